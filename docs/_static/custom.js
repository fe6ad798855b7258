// Search result snippets are built from the page's HTML text: drop the labels of the code-cell
// toggles ("Show code cell source Hide code cell source") and the copy buttons before Sphinx reads it.
document.addEventListener('DOMContentLoaded', () => {
  if (typeof Search === 'undefined' || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, 'text/html');
    doc.querySelectorAll('summary, .copybtn, .toggle-details__summary, nav, .bd-toc, .bd-sidebar-secondary').forEach((el) => el.remove());
    return htmlToText(doc.documentElement.outerHTML, anchor);
  };
});
