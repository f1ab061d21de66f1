/**
 * The error area (role="alert": command replies with ok:false, failed exports, invalid fields) and
 * the notice area (role="status": export saved). Both live regions always exist so screen readers
 * announce changes; the alert region holds only the message text (the dismiss button sits beside it).
 */
import { memo, useEffect, useState } from 'react';

/** A notice disappears after this long, ms (errors stay until dismissed or superseded). */
const NOTICE_MS = 8000;
import { useDashboard } from '../store/store-context';

export const Messages = memo(function Messages() {
  const error = useDashboard((s) => s.error);
  const notice = useDashboard((s) => s.notice);
  const dismiss = useDashboard((s) => s.dismissError);
  const [hiddenNotice, setHiddenNotice] = useState<number | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setHiddenNotice(notice.id), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  const shownNotice = notice && notice.id !== hiddenNotice ? notice : null;
  return (
    <div className="messages">
      <div className={error ? 'message message-error' : 'message-empty'}>
        <div role="alert" data-testid="error-area">
          {error ? error.text : null}
        </div>
        {error ? (
          <button type="button" className="link" onClick={dismiss} aria-label="Dismiss error">
            ×
          </button>
        ) : null}
      </div>
      <div role="status" className={shownNotice ? 'message message-notice' : 'message-empty'} data-testid="notice-area">
        {shownNotice ? shownNotice.text : null}
      </div>
    </div>
  );
});
