extension UITemplates {
    static let deployments = """
        <h1>Deployments</h1>
        <table id="deployments"><caption class="muted">{{count}} deployments</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Variants</th><th scope="col">Monitored</th></tr></thead>
        <tbody>
        {{#deployments}}<tr><td><a href="/deployments/{{name}}">{{name}}</a></td><td>{{#variants}}<span class="alias">{{name}}</span> {{share}} v{{version}} {{/variants}}</td><td>{{#monitored}}yes{{/monitored}}{{^monitored}}no{{/monitored}}</td></tr>
        {{/deployments}}
        {{^deployments}}<tr><td colspan="3" class="muted">No deployments. Start one with <code>aviary server --deployment spec.yaml</code> or PUT its spec to /api/2.0/aviary/deployments/NAME.</td></tr>{{/deployments}}
        </tbody></table>
        """

    static let deployment = """
        <p class="crumbs"><a href="/deployments">Deployments</a> /</p>
        <h1>{{name}}</h1>
        <section aria-labelledby="variants-h"><h2 id="variants-h">Variants</h2>
        <table id="variants"><thead><tr><th scope="col">Variant</th><th scope="col">Traffic</th><th scope="col">Model</th><th scope="col">Version</th></tr></thead><tbody>
        {{#variants}}<tr><td>{{name}}</td><td>{{share}}</td><td>{{model}}</td><td>{{version}}</td></tr>
        {{/variants}}
        </tbody></table></section>
        <section aria-labelledby="quality-h"><h2 id="quality-h">Live quality ({{task}})</h2>
        <div class="scroll"><table id="quality"><thead><tr><th scope="col">Variant</th><th scope="col">Version</th><th scope="col">Labelled rows</th>{{#metricNames}}<th scope="col">{{.}}</th>{{/metricNames}}</tr></thead><tbody>
        {{#quality}}<tr><td>{{variant}}</td><td>{{version}}</td><td>{{rows}}</td>{{#values}}<td>{{.}}</td>{{/values}}</tr>
        {{/quality}}
        {{^quality}}<tr><td colspan="3" class="muted">No prediction log: add prediction_log to the spec.</td></tr>{{/quality}}
        </tbody></table></div></section>
        <section aria-labelledby="monitors-h"><h2 id="monitors-h">Monitors</h2>
        <p class="muted">{{passCount}} monitor passes.</p>
        {{#charts}}<figure><figcaption>{{title}}</figcaption>{{{svg}}}</figure>{{/charts}}
        <h3>Thresholds crossed</h3>
        <ul id="incidents">{{#incidents}}<li>{{time}}: {{#messages}}{{.}}; {{/messages}}</li>{{/incidents}}{{^incidents}}<li class="muted">None.</li>{{/incidents}}</ul>
        </section>
        """
}
