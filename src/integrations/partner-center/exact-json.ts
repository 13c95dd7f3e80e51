const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * JSON.parse with every number kept as the text Microsoft sent ("0.123456789012345678"), so billing amounts keep
 * all their digits: a double would round them. Strings, objects and the rest parse as usual.
 */
export function parseJsonExact(text: string): unknown {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === '"') {
      // Copy the string literal as is, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) throw new SyntaxError(`Not a JSON number at position ${i}.`);
      out += `"${m[0]}"`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out) as unknown;
}
