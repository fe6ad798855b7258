// Sphinx's search scorer (its defaults), with two boosts so that the page about a thing comes first:
// a section whose heading is exactly the query ("ulmfit train"), and the pages whose title has a
// word starting like a query word ("tokenize" -> Tokenization). Without them every page that
// mentions a word in some heading ties, and ties are broken alphabetically.
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score] = result;
    const query = (new URLSearchParams(window.location.search).get('q') || '').toLowerCase().trim();
    if (!query) return score;
    const parts = title.toLowerCase().split(' > ');
    const pageWords = parts[0].split(/[^a-z0-9]+/);
    const stems = query.split(/\s+/).filter((w) => w.length > 3).map((w) => w.slice(0, 5));
    let boost = 0;
    if (parts[parts.length - 1].replace(/\s+/g, ' ').trim() === query) boost += 20;
    if (stems.some((s) => pageWords.some((w) => w.startsWith(s)))) boost += 10;
    return score + boost;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
