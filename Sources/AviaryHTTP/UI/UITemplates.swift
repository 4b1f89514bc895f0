import AviaryCodecs
import AviaryCore
import Mustache

/// The web UI's Mustache templates. `{{x}}` is HTML-escaped; triple mustaches appear only for
/// markup Aviary generated itself and escaped on the way: the layout's `{{{content}}}` (a page
/// rendered by its template) and `{{{svg}}}` (a chart from `LineChartSVG`/`ScatterChartSVG`).
enum UITemplates {
    /// Mustache's own HTML escaping compares `Character`s, so a quote followed by a combining
    /// mark passes through raw (see `HTMLText.escape`). Every template therefore starts with
    /// this pragma, which selects `HTMLText.escape`; partials need it too, because Mustache
    /// resets the content type when it enters one.
    static let escapingPragma = "{{% CONTENT_TYPE: AVIARY_HTML}}"

    private struct ByteEscapedHTML: MustacheContentType {
        func escapeText(_ text: String) -> String {
            HTMLText.escape(text)
        }
    }

    static let library: MustacheLibrary = {
        // Registered before any template is parsed: the parser looks the pragma's name up.
        MustacheContentTypes.register(ByteEscapedHTML(), named: "AVIARY_HTML")
        var library = MustacheLibrary()
        let templates = [
            ("layout", layout), ("message", message), ("experiments", experiments), ("experiment", experiment),
            ("run", run), ("artifacts", artifacts), ("compare", compare), ("models", models), ("model", model),
            ("version", version), ("table", table), ("legend", legend), ("deployments", deployments), ("deployment", deployment),
        ]
        for (name, text) in templates {
            // The templates are constants: a parse error is a programming error caught by the route tests.
            try! library.register(escapingPragma + text, named: name)
        }
        return library
    }()

    static let layout = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Aviary</title>
        <link rel="stylesheet" href="/static/aviary.css">
        <script src="/static/aviary.js" defer></script>
        </head>
        <body><a class="skip" href="#main">Skip to content</a>
        <header><nav aria-label="Main"><a class="brand" href="/">Aviary</a><a href="/">Experiments</a><a href="/models">Models</a><a href="/deployments">Deployments</a></nav></header>
        <main id="main">
        {{{content}}}
        </main></body></html>
        """

    /// An error or notice page: `heading` and `text`.
    static let message = """
        <h1>{{heading}}</h1>
        <p class="error" role="alert">{{text}}</p>
        <p><a href="/">Back to the experiments</a></p>
        """

    /// A key/value table (`rows` of `key`, `value`, optional `href`), reused by several pages.
    static let table = """
        <table class="kv"><tbody>
        {{#rows}}<tr><th scope="row">{{key}}</th><td>{{#href}}<a href="{{href}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</td></tr>
        {{/rows}}
        {{^rows}}<tr><td class="muted">None.</td></tr>{{/rows}}
        </tbody></table>
        """
}
