/// `GET /docs`: one self-contained HTML page (inline CSS and JS, nothing from a CDN: there may be no
/// network) that fetches `/openapi.json` and renders its routes, parameters, bodies, responses and schemas.
public enum DocsPage {
    /// The page's bytes.
    public static let bytes: [UInt8] = Array(html.utf8)

    /// The page.
    public static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>batch-openai API</title>
<style>
  :root { --fg:#1d232a; --muted:#5b6671; --line:#d9dee3; --bg:#f7f8fa; --get:#1f6feb; --post:#1a7f37; --err:#cf222e; }
  * { box-sizing: border-box; }
  body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
  header { background:#24292f; color:#fff; padding:18px 28px; }
  header h1 { margin:0; font-size:22px; }
  header p { margin:4px 0 0; color:#c9d1d9; max-width:900px; }
  main { max-width:1040px; margin:0 auto; padding:20px 28px 60px; }
  .auth { margin:12px 0 0; font-size:13px; color:#c9d1d9; }
  .auth input { width:260px; padding:3px 6px; border-radius:4px; border:1px solid #57606a; background:#32383f; color:#fff; }
  .auth button { padding:3px 10px; }
  h2 { margin:28px 0 8px; font-size:18px; border-bottom:1px solid var(--line); padding-bottom:4px; }
  details.op { background:#fff; border:1px solid var(--line); border-radius:6px; margin:8px 0; }
  details.op > summary { cursor:pointer; padding:8px 12px; list-style:none; display:flex; gap:12px; align-items:center; }
  details.op > summary::-webkit-details-marker { display:none; }
  .method { font:600 12px/1 ui-monospace, monospace; color:#fff; padding:5px 8px; border-radius:4px; min-width:52px; text-align:center; }
  .method.get { background:var(--get); } .method.post { background:var(--post); }
  .path { font-family:ui-monospace, monospace; font-weight:600; }
  .summary { color:var(--muted); }
  .body { padding:4px 16px 14px; border-top:1px solid var(--line); }
  table { border-collapse:collapse; width:100%; margin:6px 0 10px; font-size:14px; }
  th, td { text-align:left; border-bottom:1px solid var(--line); padding:4px 8px; vertical-align:top; }
  th { color:var(--muted); font-weight:600; }
  code, .mono { font-family:ui-monospace, monospace; font-size:13px; }
  .status { font-family:ui-monospace, monospace; font-weight:600; }
  .status.e { color:var(--err); }
  ul.schema { margin:2px 0 2px 4px; padding-left:18px; border-left:2px solid var(--line); list-style:none; }
  ul.schema li { margin:2px 0; }
  .req { color:var(--err); font-size:12px; }
  .type { color:#8250df; font-family:ui-monospace, monospace; font-size:13px; }
  .desc { color:var(--muted); }
  .error { color:var(--err); font-weight:600; }
  h4 { margin:12px 0 4px; font-size:14px; }
</style>
</head>
<body>
<header>
  <h1 id="title">batch-openai API</h1>
  <p id="description">Loading <code>/openapi.json</code>…</p>
  <div class="auth">Bearer token (only when the server has <code>BATCH_OPENAI_TOKEN</code>):
    <input id="token" type="password" autocomplete="off"> <button id="load">Load</button></div>
</header>
<main id="content"></main>
<script>
"use strict";
(function () {
  var spec = null;
  function esc(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function resolve(node) {
    var seen = 0;
    while (node && node.$ref && seen++ < 20) {
      var parts = node.$ref.replace(/^#\//, "").split("/");
      var target = spec;
      for (var i = 0; i < parts.length; i++) target = target ? target[parts[i]] : undefined;
      node = Object.assign({}, target || {}, node.description ? { description: node.description } : {});
    }
    return node || {};
  }
  function refName(node) {
    return node && node.$ref ? node.$ref.split("/").pop() : null;
  }
  function typeOf(schema) {
    var s = resolve(schema);
    var name = refName(schema);
    var t = s.type ? (Array.isArray(s.type) ? s.type.join(" | ") : s.type) : "";
    if (s.oneOf) t = s.oneOf.map(typeOf).join(" | ");
    if (s.allOf) t = s.allOf.map(function (x) { return refName(x) || typeOf(x); }).join(" & ");
    if (t === "array" && s.items) t = typeOf(s.items) + "[]";
    if (s.enum) t += " (" + s.enum.map(function (x) { return JSON.stringify(x); }).join(", ") + ")";
    if (s.const !== undefined) t += " = " + JSON.stringify(s.const);
    return name && t.indexOf("object") === 0 ? name : (t || name || "any");
  }
  function schemaHTML(schema, depth) {
    var s = resolve(schema);
    if (depth > 5) return "";
    var props = {};
    var required = s.required || [];
    (s.allOf || []).forEach(function (part) {
      var p = resolve(part);
      Object.assign(props, p.properties || {});
      required = required.concat(p.required || []);
    });
    Object.assign(props, s.properties || {});
    if (s.type === "array" && s.items) return schemaHTML(s.items, depth);
    var names = Object.keys(props);
    if (!names.length) return "";
    var out = '<ul class="schema">';
    names.forEach(function (name) {
      var p = resolve(props[name]);
      out += "<li><code>" + esc(name) + "</code> <span class=\"type\">" + esc(typeOf(props[name])) + "</span>";
      if (required.indexOf(name) >= 0) out += ' <span class="req">required</span>';
      if (p.default !== undefined) out += ' <span class="desc">default ' + esc(JSON.stringify(p.default)) + "</span>";
      if (p.description) out += ' <span class="desc">— ' + esc(p.description) + "</span>";
      var inner = p.type === "array" && p.items ? resolve(p.items) : p;
      if (inner.properties || inner.allOf) out += schemaHTML(inner, depth + 1);
      out += "</li>";
    });
    return out + "</ul>";
  }
  function contentHTML(content) {
    var out = "";
    Object.keys(content || {}).forEach(function (type) {
      var schema = content[type].schema || {};
      out += '<div><span class="mono">' + esc(type) + "</span> <span class=\"type\">" + esc(typeOf(schema)) + "</span>"
        + schemaHTML(schema, 0) + "</div>";
    });
    return out;
  }
  function operationHTML(path, method, op, shared) {
    var id = (op.operationId || method + path).replace(/[^A-Za-z0-9_-]/g, "-");
    var out = '<details class="op" id="' + esc(id) + '"><summary><span class="method ' + method + '">' + method.toUpperCase()
      + '</span><span class="path">' + esc(path) + '</span><span class="summary">' + esc(op.summary || "") + "</span></summary><div class=\"body\">";
    if (op.description) out += "<p>" + esc(op.description) + "</p>";
    var params = (shared || []).concat(op.parameters || []).map(resolve);
    if (params.length) {
      out += "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>";
      params.forEach(function (p) {
        out += "<tr><td><code>" + esc(p.name) + "</code>" + (p.required ? ' <span class="req">required</span>' : "") + "</td><td>"
          + esc(p.in) + '</td><td class="type">' + esc(typeOf(p.schema || {})) + "</td><td>" + esc(p.description || "") + "</td></tr>";
      });
      out += "</table>";
    }
    if (op.requestBody) {
      var body = resolve(op.requestBody);
      out += "<h4>Request body" + (body.required ? ' <span class="req">required</span>' : " (optional)") + "</h4>" + contentHTML(body.content);
    }
    out += "<h4>Responses</h4><table><tr><th>status</th><th>description</th></tr>";
    Object.keys(op.responses || {}).sort().forEach(function (status) {
      var r = resolve(op.responses[status]);
      var headers = Object.keys(r.headers || {});
      out += '<tr><td class="status' + (status >= "400" ? " e" : "") + '">' + esc(status) + "</td><td>" + esc(r.description || "")
        + (headers.length ? '<div class="desc">headers: ' + headers.map(esc).join(", ") + "</div>" : "")
        + (status < "400" ? contentHTML(r.content) : Object.keys(r.content || {}).map(function (type) {
            return '<div><span class="mono">' + esc(type) + '</span> <span class="type">' + esc(typeOf(r.content[type].schema || {})) + "</span></div>";
          }).join("")) + "</td></tr>";
    });
    out += "</table>";
    var security = op.security || spec.security || [];
    if (!security.length) out += '<p class="desc">No token needed.</p>';
    return out + "</div></details>";
  }
  function render() {
    document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
    document.getElementById("description").textContent = spec.info.description || "";
    var groups = {};
    var order = [];
    Object.keys(spec.paths).forEach(function (path) {
      var item = spec.paths[path];
      ["get", "post", "put", "patch", "delete"].forEach(function (method) {
        var op = item[method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || "other";
        if (!groups[tag]) { groups[tag] = []; order.push(tag); }
        groups[tag].push(operationHTML(path, method, op, item.parameters));
      });
    });
    var tagInfo = {};
    (spec.tags || []).forEach(function (t) { tagInfo[t.name] = t.description || ""; });
    var out = "";
    order.forEach(function (tag) {
      out += "<h2>" + esc(tag) + ' <span class="desc" style="font-size:14px;font-weight:400">' + esc(tagInfo[tag] || "") + "</span></h2>" + groups[tag].join("");
    });
    out += "<h2>Schemas</h2>";
    Object.keys((spec.components && spec.components.schemas) || {}).sort().forEach(function (name) {
      var s = spec.components.schemas[name];
      out += '<details class="op" id="schema-' + esc(name) + '"><summary><span class="path">' + esc(name) + '</span><span class="type">'
        + esc(typeOf(s)) + '</span><span class="summary">' + esc(s.description || "") + '</span></summary><div class="body">'
        + (schemaHTML(s, 0) || '<p class="desc">' + esc(typeOf(s)) + "</p>") + "</div></details>";
    });
    document.getElementById("content").innerHTML = out;
  }
  function load() {
    var token = document.getElementById("token").value;
    var headers = { "Accept": "application/json" };
    if (token) headers["Authorization"] = "Bearer " + token;
    fetch("openapi.json", { headers: headers }).then(function (response) {
      if (!response.ok) throw new Error("GET /openapi.json answered " + response.status);
      return response.json();
    }).then(function (document_) {
      spec = document_;
      render();
    }).catch(function (error) {
      document.getElementById("content").innerHTML = '<p class="error">' + esc(error.message) + "</p>";
    });
  }
  document.getElementById("load").addEventListener("click", load);
  load();
})();
</script>
</body>
</html>
"""#
}
