import { useState } from "react";

/** Copies a text to the clipboard and says so. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid="copy-button">
      {copied === "copied" ? "Copied" : copied === "failed" ? "Select and copy it by hand" : label}
    </button>
  );
}
