/** The dashboard layout: toolbar and messages on top, controls on the side, tiles, charts, tables. */
import { AlertChart } from './components/AlertChart';
import { CheckpointsPanel } from './components/CheckpointsPanel';
import { ControlPanel } from './components/ControlPanel';
import { Messages } from './components/Messages';
import { MetricTiles } from './components/MetricTiles';
import { PipelineGraph } from './components/PipelineGraph';
import { BackpressureChart, QueueDepthChart } from './components/QueueChart';
import { QueueBars } from './components/QueueBars';
import { ResultsTable } from './components/ResultsTable';
import { SensorChart } from './components/SensorChart';
import { SideOutputs } from './components/SideOutputs';
import { ThroughputChart } from './components/ThroughputChart';
import { Toolbar } from './components/Toolbar';
import { WatermarkChart } from './components/WatermarkChart';
import { WhatIfPanel } from './components/whatif/WhatIfPanel';
import { useDashboard } from './store/store-context';

function FrozenBanner() {
  const paused = useDashboard((s) => s.viewPaused);
  return paused ? (
    <p className="frozen-banner" data-testid="view-paused">
      View paused: the pipeline keeps running; “Resume view” shows the present.
    </p>
  ) : null;
}

/** The whole app. */
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          Streamscope <span className="subtitle">live stream processor</span>
        </h1>
        <Toolbar />
      </header>
      <Messages />
      <div className="layout">
        <ControlPanel />
        <main className="dashboard">
          <FrozenBanner />
          <MetricTiles />
          <PipelineGraph />
          <QueueBars />
          <CheckpointsPanel />
          <WhatIfPanel />
          <div className="chart-grid">
            <ThroughputChart />
            <SensorChart />
            <QueueDepthChart />
            <BackpressureChart />
            <WatermarkChart />
            <AlertChart />
          </div>
          <ResultsTable />
          <SideOutputs />
        </main>
      </div>
    </div>
  );
}
