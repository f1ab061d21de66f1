/** Every control of the pipeline, grouped: rate, keys and demo faults, window, event time, alert threshold, source, sinks, queues. */
import { memo } from 'react';
import { AlertControl } from './AlertControl';
import { KeysControl } from './KeysControl';
import { QueueControls } from './QueueControls';
import { RateControl } from './RateControl';
import { SinkControls } from './SinkControls';
import { SourceControls } from './SourceControls';
import { TimingControls } from './TimingControls';
import { WindowControls } from './WindowControls';

export const ControlPanel = memo(function ControlPanel() {
  return (
    <aside className="controls" aria-label="Controls">
      <fieldset className="control-group">
        <legend>Load</legend>
        <RateControl />
        <KeysControl />
        <AlertControl />
      </fieldset>
      <WindowControls />
      <TimingControls />
      <SourceControls />
      <SinkControls />
      <QueueControls />
    </aside>
  );
});
