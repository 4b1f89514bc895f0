extension UITemplates {
    static let experiments = """
        <h1>Experiments</h1>
        <form method="get" action="/" role="search">
          <label for="q">Name contains<input id="q" name="q" value="{{query}}"></label>
          <button type="submit">Search</button>
        </form>
        <table id="experiments"><caption class="muted">{{count}} experiments</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">ID</th><th scope="col">Created</th></tr></thead>
        <tbody>
        {{#experiments}}<tr><td><a href="/experiments/{{id}}">{{name}}</a></td><td>{{id}}</td><td>{{created}}</td></tr>
        {{/experiments}}
        {{^experiments}}<tr><td colspan="3" class="muted">No experiments{{#query}} match “{{query}}”{{/query}}.</td></tr>{{/experiments}}
        </tbody></table>
        """

    static let experiment = """
        <p class="crumbs"><a href="/">Experiments</a> /</p>
        <h1>{{name}}</h1>
        <p class="muted">Experiment {{id}} · {{runCount}} runs on this page</p>
        <form method="get" action="/experiments/{{id}}" role="search" class="filters">
          <label for="filter">Filter (search grammar)<input id="filter" name="filter" value="{{filter}}" placeholder="metrics.loss &lt; 0.5 AND params.depth = '6'"></label>
          <label for="order">Order by<input id="order" name="order_by" value="{{orderBy}}" placeholder="metrics.loss ASC"></label>
          <details id="columns"><summary>Columns</summary>
          <fieldset><legend>Show these columns</legend>
          {{#choices}}<label class="check"><input type="checkbox" name="columns" value="{{value}}"{{#checked}} checked{{/checked}}> {{value}}</label>
          {{/choices}}
          </fieldset></details>
          <button type="submit">Apply</button>
        </form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form id="runs-form" method="get" action="/compare">
        <p><button type="submit" class="compare">Compare selected runs</button></p>
        <div class="scroll"><table id="runs">
        <thead><tr><th scope="col"><input type="checkbox" class="select-all" aria-label="Select all runs on this page"></th><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started</th>{{#columns}}<th scope="col">{{.}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#runs}}<tr data-run-id="{{id}}"><td><input type="checkbox" name="runs" value="{{id}}" aria-label="Select {{name}}"></td><td class="run"><a href="/runs/{{id}}">{{name}}</a></td><td class="nowrap">{{status}}</td><td class="nowrap">{{started}}</td>{{#cells}}<td data-column="{{column}}"{{#num}} class="num"{{/num}}>{{value}}</td>{{/cells}}</tr>
        {{/runs}}
        </tbody></table></div>
        </form>
        {{#nextPage}}<p><a rel="next" href="/experiments/{{id}}?page_token={{nextPage}}{{pageQuery}}">Next page</a></p>{{/nextPage}}
        """

    static let run = """
        <p class="crumbs"><a href="/">Experiments</a> / <a href="/experiments/{{experimentID}}">{{experimentName}}</a> /</p>
        <h1>{{name}}</h1>
        <section id="info" aria-labelledby="info-h"><h2 id="info-h">Run</h2>{{{info}}}</section>
        <div class="columns">
        <section id="params" aria-labelledby="params-h"><h2 id="params-h">Parameters</h2>{{{params}}}</section>
        <section id="metrics" aria-labelledby="metrics-h"><h2 id="metrics-h">Metrics</h2>
        <table class="kv"><thead><tr><th scope="col">Metric</th><th scope="col">Latest</th><th scope="col">Step</th><th scope="col">Logged</th></tr></thead><tbody>
        {{#metrics}}<tr><th scope="row"><a href="#chart-{{index}}">{{key}}</a></th><td class="num">{{value}}</td><td class="num">{{step}}</td><td class="nowrap">{{time}}</td></tr>
        {{/metrics}}
        {{^metrics}}<tr><td colspan="4" class="muted">None.</td></tr>{{/metrics}}
        </tbody></table></section>
        </div>
        <section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">Metric history</h2>
        <p class="toggle">X axis: {{#byStep}}<strong>step</strong> · <a href="?x=time#charts">time</a>{{/byStep}}{{^byStep}}<a href="?x=step#charts">step</a> · <strong>time</strong>{{/byStep}}</p>
        <div class="charts">{{#charts}}<figure id="chart-{{index}}"><figcaption>{{key}}</figcaption>{{{svg}}}</figure>{{/charts}}</div>
        {{^charts}}<p class="muted">No metrics logged.</p>{{/charts}}
        </section>
        <section id="inputs" aria-labelledby="inputs-h"><h2 id="inputs-h">Dataset inputs</h2>
        <table><thead><tr><th scope="col">Name</th><th scope="col">Digest</th><th scope="col">Context</th><th scope="col">Source type</th><th scope="col">Source</th><th scope="col">Profile</th></tr></thead><tbody>
        {{#inputs}}<tr><td>{{name}}</td><td><code>{{digest}}</code></td><td>{{context}}</td><td>{{sourceType}}</td><td class="wrap">{{source}}</td><td class="wrap">{{profile}}</td></tr>
        {{/inputs}}
        {{^inputs}}<tr><td colspan="6" class="muted">None.</td></tr>{{/inputs}}
        </tbody></table></section>
        <section id="tags" aria-labelledby="tags-h"><h2 id="tags-h">Tags</h2>{{{tags}}}</section>
        <section id="artifacts" aria-labelledby="artifacts-h"><h2 id="artifacts-h">Artifacts</h2>{{{artifacts}}}</section>
        """

    /// An artifact directory listing, or one file's preview and download link.
    static let artifacts = """
        {{#standalone}}<p class="crumbs"><a href="/runs/{{runID}}">{{runName}}</a> / artifacts /{{#crumbs}} <a href="{{href}}">{{name}}</a> /{{/crumbs}}</p>
        <h1>{{title}}</h1>{{/standalone}}
        {{#unavailable}}<p class="muted">{{unavailable}}</p>{{/unavailable}}
        {{#listing}}<table id="artifact-list"><thead><tr><th scope="col">Name</th><th scope="col">Size</th></tr></thead><tbody>
        {{#entries}}<tr><td><a href="{{href}}">{{name}}{{#isDirectory}}/{{/isDirectory}}</a></td><td class="num">{{size}}</td></tr>
        {{/entries}}
        {{^entries}}<tr><td colspan="2" class="muted">No artifacts.</td></tr>{{/entries}}
        </tbody></table>{{/listing}}
        {{#file}}<p><a id="download" href="{{download}}" download>Download {{name}}</a> <span class="muted">{{size}}</span></p>
        {{#truncated}}<p class="muted">Showing the first {{truncated}}.</p>{{/truncated}}
        {{#text}}<pre id="preview">{{text}}</pre>{{/text}}
        {{#table}}<div class="scroll"><table id="preview-table"><thead><tr>{{#header}}<th scope="col">{{.}}</th>{{/header}}</tr></thead><tbody>
        {{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}
        </tbody></table></div>{{/table}}
        {{#image}}<img id="preview-image" src="{{image}}" alt="{{name}}">{{/image}}
        {{#binary}}<p class="muted">A binary file; download it to open it.</p>{{/binary}}{{/file}}
        """

    /// The runs' colours, shared by the compare page's scatter and line charts.
    static let legend = """
        <ul class="legend">{{#runs}}<li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" rx="3" fill="{{color}}"/></svg> {{name}}</li>{{/runs}}</ul>
        """

    static let compare = """
        <p class="crumbs"><a href="/">Experiments</a> /</p>
        <h1>Compare {{count}} runs</h1>
        <div class="scroll"><table id="compare-runs"><thead><tr><th scope="col">Run</th>{{#runs}}<th scope="col"><a href="/runs/{{id}}">{{name}}</a></th>{{/runs}}</tr></thead></table></div>
        <section aria-labelledby="cp-h"><h2 id="cp-h">Parameters</h2>
        <div class="scroll"><table id="compare-params"><thead><tr><th scope="col">Parameter</th>{{#runs}}<th scope="col">{{name}}</th>{{/runs}}</tr></thead><tbody>
        {{#params}}<tr{{#differs}} class="diff"{{/differs}}><th scope="row">{{key}}{{#differs}} <span class="badge">differs</span>{{/differs}}</th>{{#values}}<td>{{.}}</td>{{/values}}</tr>
        {{/params}}
        </tbody></table></div></section>
        <section aria-labelledby="cm-h"><h2 id="cm-h">Metrics (latest)</h2>
        <div class="scroll"><table id="compare-metrics"><thead><tr><th scope="col">Metric</th>{{#runs}}<th scope="col">{{name}}</th>{{/runs}}</tr></thead><tbody>
        {{#metrics}}<tr{{#differs}} class="diff"{{/differs}}><th scope="row">{{key}}{{#differs}} <span class="badge">differs</span>{{/differs}}</th>{{#values}}<td class="num">{{.}}</td>{{/values}}</tr>
        {{/metrics}}
        </tbody></table></div></section>
        <section aria-labelledby="sc-h"><h2 id="sc-h">Scatter</h2>
        <form method="get" action="/compare" class="filters">
        {{#runs}}<input type="hidden" name="runs" value="{{id}}">{{/runs}}
        <label for="x">Across<select id="x" name="x">{{#xChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/xChoices}}</select></label>
        <label for="y">Up<select id="y" name="y">{{#yChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/yChoices}}</select></label>
        <button type="submit">Plot</button>
        </form>
        {{#scatter}}{{> legend}}<figure>{{{scatter}}}</figure>{{/scatter}}{{^scatter}}<p class="muted">Pick a parameter or metric with numbers in at least one run.</p>{{/scatter}}
        </section>
        <section aria-labelledby="ch-h"><h2 id="ch-h">Metric history</h2>
        {{> legend}}
        <div class="charts">{{#charts}}<figure><figcaption>{{key}}</figcaption>{{{svg}}}</figure>{{/charts}}</div>
        </section>
        """
}
