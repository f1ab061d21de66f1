/** Every control of the pipeline, grouped: rate and keys, window, alert threshold, source, sinks, queues. */
import { memo } from 'react';
import { AlertControl } from './AlertControl';
import { KeysControl } from './KeysControl';
import { QueueControls } from './QueueControls';
import { RateControl } from './RateControl';
import { SinkControls } from './SinkControls';
import { SourceControls } from './SourceControls';
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
      <SourceControls />
      <SinkControls />
      <QueueControls />
    </aside>
  );
});
