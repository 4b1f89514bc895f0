import Mustache

/// The web UI's Mustache templates. `{{x}}` is HTML-escaped; the only triple-mustache is the
/// layout's `{{{content}}}`, which holds a page already rendered (and escaped) by its template.
enum UITemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("layout", layout), ("experiments", experiments), ("experiment", experiment)] {
            // The templates are constants: a parse error is a programming error caught by the route tests.
            try! library.register(text, named: name)
        }
        return library
    }()

    static let layout = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Aviary</title>
        <style>
        body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#1b1f24;margin:0;background:#fff}
        header{background:#0d1117;color:#fff;padding:.6em 1em}header a{color:#fff;text-decoration:none;font-weight:600}
        main{max-width:1200px;margin:0 auto;padding:1em}
        table{border-collapse:collapse;width:100%;margin:.8em 0}th,td{border-bottom:1px solid #d0d7de;padding:.35em .5em;text-align:left;vertical-align:top}
        th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        a{color:#0969da}.error{background:#ffd7d5;color:#82071e;padding:.5em .8em;border-radius:6px}
        form{display:flex;gap:.5em;flex-wrap:wrap;align-items:end}label{display:flex;flex-direction:column;font-size:.9em}
        input{font:inherit;padding:.3em .4em;min-width:18em;border:1px solid #8c959f;border-radius:4px}
        button{font:inherit;padding:.3em .9em}.muted{color:#57606a}
        @media (max-width:700px){input{min-width:0;width:100%}td,th{padding:.3em}}
        </style></head>
        <body><header><a href="/">Aviary</a></header><main>
        {{{content}}}
        </main></body></html>
        """

    static let experiments = """
        <h1>Experiments</h1>
        <form method="get" action="/" role="search">
          <label for="q">Name contains<input id="q" name="q" value="{{query}}"></label>
          <button type="submit">Search</button>
        </form>
        <table><caption class="muted">{{count}} experiments</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Created</th></tr></thead>
        <tbody>
        {{#experiments}}<tr><td><a href="/experiments/{{id}}">{{name}}</a></td><td>{{id}}</td><td>{{created}}</td></tr>
        {{/experiments}}
        {{^experiments}}<tr><td colspan="3" class="muted">No experiments{{#query}} match “{{query}}”{{/query}}.</td></tr>{{/experiments}}
        </tbody></table>
        """

    static let experiment = """
        <h1>{{name}}</h1>
        <p class="muted">Experiment {{id}} · {{runCount}} runs on this page</p>
        <form method="get" action="/experiments/{{id}}" role="search">
          <label for="filter">Filter (search grammar)<input id="filter" name="filter" value="{{filter}}" placeholder="metrics.loss &lt; 0.5 AND params.depth = '6'"></label>
          <label for="order">Order by<input id="order" name="order_by" value="{{orderBy}}" placeholder="metrics.loss ASC"></label>
          <button type="submit">Apply</button>
        </form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <table>
        <thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started</th>{{#metricKeys}}<th scope="col">{{.}}</th>{{/metricKeys}}{{#paramKeys}}<th scope="col">{{.}}</th>{{/paramKeys}}</tr></thead>
        <tbody>
        {{#runs}}<tr><td title="{{id}}">{{name}}</td><td>{{status}}</td><td>{{started}}</td>{{#metrics}}<td class="num">{{.}}</td>{{/metrics}}{{#params}}<td>{{.}}</td>{{/params}}</tr>
        {{/runs}}
        </tbody></table>
        {{#nextPage}}<p><a href="/experiments/{{id}}?page_token={{nextPage}}&amp;filter={{filterQuery}}&amp;order_by={{orderQuery}}">Next page</a></p>{{/nextPage}}
        """
}
