/** A titled panel around one chart, with an accessible name and a short description. */
import { memo, useId, type ReactNode, type Ref } from 'react';

/** Props: the title, an optional one-line description, an empty-state text, and the chart. */
export interface ChartCardProps {
  title: string;
  description?: string;
  empty?: boolean;
  emptyText?: string;
  testId?: string;
  actions?: ReactNode;
  /** The section element (for visibility tracking). */
  ref?: Ref<HTMLElement>;
  children: ReactNode;
}

/** A card with a heading; shows `emptyText` instead of the chart while `empty`. */
export const ChartCard = memo(function ChartCard(props: ChartCardProps) {
  const headingId = useId();
  return (
    <section ref={props.ref} className="card chart-card" aria-labelledby={headingId} data-testid={props.testId}>
      <header className="card-header">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </header>
      {props.description ? <p className="card-description">{props.description}</p> : null}
      <div className="chart-body">
        {props.empty ? <p className="empty">{props.emptyText ?? 'Waiting for data…'}</p> : props.children}
      </div>
    </section>
  );
});
