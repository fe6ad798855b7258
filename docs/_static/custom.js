// Search result snippets are built from the page's HTML text: drop the labels of the code-cell
// toggles ("Show code cell source Hide code cell source") and the copy buttons before Sphinx reads it.
document.addEventListener('DOMContentLoaded', () => {
  if (typeof Search === 'undefined' || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, 'text/html');
    doc.querySelectorAll('summary, .copybtn, .toggle-details__summary, nav, .bd-toc, .bd-sidebar-secondary, .bd-header-article, .header-article-items, button, .prev-next-area, footer, .onlyprint').forEach((el) => el.remove());
    return htmlToText(doc.documentElement.outerHTML, anchor);
  };
});

// With `?check` in the address (docs/check_site.py), mark what does not fit the reader's column:
// code boxes and tables wider than their box, and pictures shown much smaller than drawn (their
// labels shrink with them), so the check can read it back from the rendered page.
window.addEventListener('load', () => {
  if (!location.search.includes('check')) return;
  document.querySelectorAll('article pre').forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 2) el.setAttribute('data-overflow', el.scrollWidth - el.clientWidth);
  });
  document.querySelectorAll('article img').forEach((img) => {
    if (img.naturalWidth) img.setAttribute('data-scale', (img.clientWidth / img.naturalWidth).toFixed(2));
  });
});
