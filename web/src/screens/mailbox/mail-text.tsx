const urlPattern = /(https?:\/\/[^\s<>"]+)/g;

/** A plain-text mail body with its links clickable (so a tester can follow an invitation). */
export function MailText({ text }: { text: string }) {
  const parts = text.split(urlPattern);
  return (
    <pre className="mail-text">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} target="_blank" rel="noreferrer">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}
