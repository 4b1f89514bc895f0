import Hummingbird

/// The UI's stylesheet and script, served from `/static/`. Both are small enough to live in
/// the binary, so the UI needs no files beside it and works offline.
enum UIAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=3600", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    // Colours meet WCAG AA contrast (4.5:1) on their backgrounds; focus is always visible.
    static let css = """
        :root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa;--link:#0550ae;--diff:#fff8c5}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0;background:#fff}
        header{background:#0d1117;padding:.5em 1em}
        header nav{display:flex;gap:1.2em;align-items:center;max-width:1280px;margin:0 auto}
        header a{color:#fff;text-decoration:none}header a.brand{font-weight:700;margin-right:.6em}header a:hover{text-decoration:underline}
        .skip{position:absolute;left:-999px}.skip:focus{left:1em;top:.5em;background:#fff;color:var(--link);padding:.3em .6em;z-index:2}
        main{max-width:1280px;margin:0 auto;padding:1em}
        h1{font-size:1.6em;margin:.2em 0 .4em;overflow-wrap:anywhere}h2{font-size:1.2em;margin:1.4em 0 .4em}h3{font-size:1.05em}
        a{color:var(--link)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #0969da;outline-offset:2px}
        table{border-collapse:collapse;width:100%;margin:.5em 0}
        th,td{border-bottom:1px solid var(--line);padding:.35em .55em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        thead th{background:var(--head);font-weight:600}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        table.kv th{width:30%;font-weight:600;background:none}
        table[id^=compare] th:first-child{min-width:7em}td.run{min-width:12em}figure:has(svg.scatter){max-width:800px}
        tr.diff{background:var(--diff)}.badge{font-size:.75em;font-weight:600;color:#7d4e00;border:1px solid #d4a72c;border-radius:1em;padding:0 .5em}
        .scroll{overflow-x:auto}
        .error{background:#ffebe9;color:#82071e;border:1px solid #ff8182;padding:.5em .8em;border-radius:6px}
        form{margin:.5em 0}form.filters,form[role=search]{display:flex;gap:.6em;flex-wrap:wrap;align-items:end}
        label{display:flex;flex-direction:column;font-size:.9em;gap:.15em}label.check{flex-direction:row;gap:.3em;align-items:center}
        input,select{font:inherit;padding:.3em .4em;border:1px solid #6e7781;border-radius:4px}
        input[name=filter],input[name=order_by],input[name=q]{min-width:20em}
        button{font:inherit;padding:.3em .9em;border:1px solid #6e7781;border-radius:4px;background:var(--head);cursor:pointer}
        button.compare{background:#1f883d;color:#fff;border-color:#1a7f37}button:disabled{opacity:.55;cursor:default}
        details#columns{border:1px solid var(--line);border-radius:4px;padding:.3em .6em}
        details#columns fieldset{border:0;margin:0;padding:.3em 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14em,1fr));gap:.2em .8em}
        .muted{color:var(--muted)}.nowrap{white-space:nowrap}.crumbs{margin:0;color:var(--muted);overflow-wrap:anywhere}
        .columns{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:1em}
        figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:.5em;position:relative}
        figcaption{font-weight:600;overflow-wrap:anywhere}
        svg.chart,svg.scatter{width:100%;height:auto;display:block}svg.scatter{max-width:760px}
        ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}ul.legend li{overflow-wrap:anywhere}
        svg .hover-line{stroke:#57606a;stroke-dasharray:3 3}
        .readout{position:absolute;right:.6em;top:.4em;font-size:.85em;background:#fffffff0;border:1px solid var(--line);border-radius:4px;padding:.1em .4em}
        .alias{display:inline-block;background:#ddf4ff;color:#0a3069;border-radius:1em;padding:0 .6em;font-size:.85em;font-weight:600}
        pre#preview{background:var(--head);border:1px solid var(--line);border-radius:6px;padding:.8em;overflow:auto;max-height:70vh;white-space:pre-wrap;overflow-wrap:anywhere}
        img#preview-image{max-width:100%;border:1px solid var(--line)}
        code{font-size:.9em;overflow-wrap:anywhere}
        @media (max-width:760px){.columns{grid-template-columns:1fr}.charts{grid-template-columns:1fr}
        input[name=filter],input[name=order_by],input[name=q]{min-width:0;width:100%}form.filters label,form[role=search] label{width:100%}
        th,td{padding:.3em}main{padding:.6em}}
        """

    // Enhancements only: every page works without it.
    static let javascript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", () => {
          // Runs table: select all, and enable "Compare" once two runs are ticked.
          const form = document.getElementById("runs-form");
          if (form) {
            const boxes = [...form.querySelectorAll("input[name=runs]")];
            const all = form.querySelector(".select-all");
            const button = form.querySelector("button.compare");
            const update = () => {
              const ticked = boxes.filter(b => b.checked).length;
              button.disabled = ticked < 2;
              button.textContent = ticked < 2 ? "Compare selected runs" : `Compare ${ticked} runs`;
              if (all) all.checked = ticked === boxes.length && ticked > 0;
            };
            boxes.forEach(b => b.addEventListener("change", update));
            if (all) all.addEventListener("change", () => { boxes.forEach(b => { b.checked = all.checked; }); update(); });
            update();
          }
          // Scatter axes: re-plot as soon as a different column is picked.
          document.querySelectorAll("select[name=x], select[name=y]").forEach(s => s.addEventListener("change", () => s.form.submit()));
          // Charts: a read-out of each line's value under the pointer.
          document.querySelectorAll("svg.chart").forEach(svg => {
            const d = svg.dataset, num = k => parseFloat(d[k]);
            const [left, right, top, bottom] = [num("left"), num("right"), num("top"), num("bottom")];
            const [x0, x1, y0, y1] = [num("x0"), num("x1"), num("y0"), num("y1")];
            const lines = [...svg.querySelectorAll("path.series")].map(p => ({
              label: p.dataset.label,
              points: (p.getAttribute("d").match(/-?[0-9.]+ -?[0-9.]+/g) || []).map(pair => pair.split(" ").map(Number))
            }));
            const figure = svg.closest("figure");
            if (!figure || lines.length === 0) return;
            const readout = document.createElement("div");
            readout.className = "readout";
            readout.hidden = true;
            readout.setAttribute("aria-live", "polite");
            figure.appendChild(readout);
            const guide = document.createElementNS("http://www.w3.org/2000/svg", "line");
            guide.setAttribute("class", "hover-line");
            guide.setAttribute("y1", top); guide.setAttribute("y2", bottom);
            guide.setAttribute("x1", -10); guide.setAttribute("x2", -10);
            svg.appendChild(guide);
            const fmt = v => Number(v.toPrecision(5)).toString();
            svg.addEventListener("mousemove", event => {
              const box = svg.getBoundingClientRect();
              const px = (event.clientX - box.left) * (svg.viewBox.baseVal.width / box.width);
              if (px < left || px > right) { readout.hidden = true; return; }
              guide.setAttribute("x1", px); guide.setAttribute("x2", px);
              const x = x0 + (px - left) / (right - left) * (x1 - x0);
              readout.textContent = `${svg.dataset.x} ${fmt(x)}: ` + lines.map(line => {
                let best = null;
                for (const p of line.points) if (best === null || Math.abs(p[0] - px) < Math.abs(best[0] - px)) best = p;
                const y = best ? y0 + (bottom - best[1]) / (bottom - top) * (y1 - y0) : NaN;
                return (lines.length > 1 ? line.label + " " : "") + fmt(y);
              }).join(", ");
              readout.hidden = false;
            });
            svg.addEventListener("mouseleave", () => { readout.hidden = true; guide.setAttribute("x1", -10); guide.setAttribute("x2", -10); });
          });
        });
        """
}
