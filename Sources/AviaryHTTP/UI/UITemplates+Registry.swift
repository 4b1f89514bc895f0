extension UITemplates {
    static let models = """
        <h1>Registered models</h1>
        <form method="get" action="/models" role="search">
          <label for="q">Name contains<input id="q" name="q" value="{{query}}"></label>
          <button type="submit">Search</button>
        </form>
        <table id="models"><caption class="muted">{{count}} models</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Latest version</th><th scope="col">Aliases</th><th scope="col">Updated</th><th scope="col">Description</th></tr></thead>
        <tbody>
        {{#models}}<tr><td><a href="/models/{{path}}">{{name}}</a></td><td>{{latest}}</td><td>{{#aliases}}<span class="alias">{{alias}}</span> → v{{version}} {{/aliases}}</td><td>{{updated}}</td><td>{{description}}</td></tr>
        {{/models}}
        {{^models}}<tr><td colspan="5" class="muted">No registered models{{#query}} match “{{query}}”{{/query}}.</td></tr>{{/models}}
        </tbody></table>
        """

    static let model = """
        <p class="crumbs"><a href="/models">Models</a> /</p>
        <h1>{{name}}</h1>
        {{#description}}<p>{{description}}</p>{{/description}}
        <p>{{#aliases}}<span class="alias">{{alias}}</span> → <a href="/models/{{path}}/versions/{{version}}">version {{version}}</a> {{/aliases}}</p>
        <section aria-labelledby="versions-h"><h2 id="versions-h">Versions</h2>
        <div class="scroll"><table id="versions"><thead><tr><th scope="col">Version</th><th scope="col">Stage</th><th scope="col">Aliases</th><th scope="col">Run</th><th scope="col">Created</th><th scope="col">Description</th></tr></thead><tbody>
        {{#versions}}<tr data-version="{{version}}"><td><a href="/models/{{path}}/versions/{{version}}">Version {{version}}</a></td><td>{{stage}}</td><td>{{#aliases}}<span class="alias">{{.}}</span> {{/aliases}}</td><td>{{#runID}}<a href="/runs/{{runID}}">{{runID}}</a>{{/runID}}</td><td>{{created}}</td><td>{{description}}</td></tr>
        {{/versions}}
        </tbody></table></div></section>
        <section id="model-tags" aria-labelledby="mt-h"><h2 id="mt-h">Tags</h2>{{{tags}}}</section>
        """

    static let version = """
        <p class="crumbs"><a href="/models">Models</a> / <a href="/models/{{path}}">{{name}}</a> /</p>
        <h1>{{name}} version {{version}}</h1>
        <p>{{#aliases}}<span class="alias">{{.}}</span> {{/aliases}}</p>
        <section id="version-info" aria-labelledby="vi-h"><h2 id="vi-h">Version</h2>{{{info}}}</section>
        <section id="version-tags" aria-labelledby="vt-h"><h2 id="vt-h">Tags</h2>{{{tags}}}</section>
        <section id="lineage" aria-labelledby="lineage-h"><h2 id="lineage-h">Lineage</h2>
        {{#hasRun}}<p>Trained by run <a href="/runs/{{runID}}">{{runName}}</a> in experiment <a href="/experiments/{{experimentID}}">{{experimentName}}</a>{{#loggedModel}}, logged as model <code>{{loggedModel}}</code>{{/loggedModel}}.</p>
        <h3>Dataset inputs</h3>
        <table><thead><tr><th scope="col">Name</th><th scope="col">Digest</th><th scope="col">Context</th><th scope="col">Source</th></tr></thead><tbody>
        {{#inputs}}<tr><td>{{name}}</td><td><code>{{digest}}</code></td><td>{{context}}</td><td class="wrap">{{source}}</td></tr>
        {{/inputs}}
        {{^inputs}}<tr><td colspan="4" class="muted">The run recorded no dataset inputs.</td></tr>{{/inputs}}
        </tbody></table>
        <div class="columns"><div><h3>Parameters</h3>{{{params}}}</div><div><h3>Metrics</h3>{{{metrics}}}</div></div>{{/hasRun}}
        {{^hasRun}}<p class="muted">This version names no run; its source is {{source}}.</p>{{/hasRun}}
        </section>
        """
}
