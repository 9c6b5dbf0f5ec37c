// What the search page sends to Pagefind: the query with Chinese split into words.
//
// Pagefind splits a query with the browser's word segmenter only when the page language is
// Chinese, but the portals' content is Chinese whatever the interface language, and an
// unsplit 老旧小区 matches nothing (the index holds 老旧 and 小区). Splitting an already split
// query changes nothing, so this is safe on Chinese pages too.
const segmenter = typeof Intl !== "undefined" && Intl.Segmenter
  ? new Intl.Segmenter("zh", { granularity: "word" })
  : null;

/** The Pagefind search term for what the reader typed; null (filters only) when empty. */
export function searchTerm(query) {
  const q = (query || "").trim();
  if (!q) return null;
  if (!segmenter) return q;
  const words = [];
  for (const { segment, isWordLike } of segmenter.segment(q)) {
    if (isWordLike) words.push(segment);
  }
  return words.length ? words.join(" ") : q;
}
