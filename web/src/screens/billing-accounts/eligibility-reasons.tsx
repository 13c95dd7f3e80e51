import type { Eligibility } from "../../api/types.ts";
import { CopyButton } from "../../ui/copy-button.tsx";

/**
 * Why an account may not pay for the optimized Azure options, each reason in plain words with the way forward and
 * what to quote in a support request to the partner.
 */
export function EligibilityReasons({ eligibility }: { eligibility: Eligibility }) {
  if (eligibility.eligible) return null;
  return (
    <ul className="reasons" data-testid="eligibility-reasons">
      {eligibility.reasons.map((r) => (
        <li key={r.code} data-reason={r.code}>
          <p className="reason-message">{r.message}</p>
          <p className="reason-way">{r.wayForward}</p>
          <details className="support-hint">
            <summary>Open a support request</summary>
            <p className="field-hint">
              Send your partner's support desk a request with this subject and text:
            </p>
            <div className="secret">
              <code>{r.support.subject}</code>
              <CopyButton text={r.support.subject} label="Copy subject" />
            </div>
            <div className="secret">
              <code>{r.support.summary}</code>
              <CopyButton text={r.support.summary} label="Copy text" />
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** "Eligible" or "Not eligible", as a badge. */
export function EligibilityBadge({ eligibility }: { eligibility: Eligibility }) {
  return eligibility.eligible ? (
    <span className="badge badge-ok">Eligible</span>
  ) : (
    <span className="badge badge-off">Not eligible</span>
  );
}
