# Sphinx configuration for ulmfit_nb's docs site. Sources are the processed notebooks that
# `python docs/build.py` writes to docs/_build/src; see that script for what each page shows.
import ulmfit_nb

project = 'ulmfit_nb'
author = 'ulmfit_nb developers'
copyright = '2026, ulmfit_nb developers'
release = ulmfit_nb.__version__

extensions = ['myst_nb',                  # Jupyter notebooks (with their stored outputs) as pages
              'sphinx_copybutton']       # a copy button on every code block (bundled JS: no CDN)
root_doc = 'index'
exclude_patterns = ['**.ipynb_checkpoints']

nb_execution_mode = 'off'                 # render the outputs stored in the notebooks, never execute
nb_output_stderr = 'remove'               # warnings and progress noise on stderr stay out of the pages
nb_merge_streams = True                   # one block per cell for stdout
myst_enable_extensions = ['colon_fence', 'dollarmath']
myst_heading_anchors = 3
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type', 'misc.highlighting_failure']

html_theme = 'sphinx_book_theme'          # bundles its CSS/JS: pages need no CDN
html_title = f'ulmfit_nb {release}'
html_static_path = ['_static']
html_favicon = '_static/favicon.svg'
html_css_files = ['custom.css']
html_js_files = ['custom.js']
html_search_scorer = str(__import__('pathlib').Path(__file__).parent/'_static'/'scorer.js')   # boosts the page about the query (see the file)             # search result snippets without the code-cell toggle labels
html_theme_options = {
    'show_toc_level': 2,
    'home_page_in_toc': True,
    'use_download_button': False,         # it offers the processed copy: each page links the repository's notebook instead
    'navigation_with_keys': False,
}
html_sidebars = {'**': ['navbar-logo.html', 'sbt-sidebar-nav.html']}   # one search box (the header's), not two
html_show_sourcelink = False
html_use_index = False                    # no general index (the API docs are on each page, and search finds them)
copybutton_exclude = '.linenos, .gp, .go' # copy the code, not prompts or outputs
