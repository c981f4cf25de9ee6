/**
 * The portal's only stylesheet and script, served from the app (the CSP allows
 * nothing else). The script keeps pages live: on a story change pushed over
 * SSE it re-fetches the page and swaps its <main>, so nobody reloads.
 */
export const PORTAL_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--accent:#0a58ca;--danger:#b42318;--ok:#1a7f37;--warn:#9a6700}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:focus,button:focus,input:focus,select:focus,summary:focus,pre:focus{outline:3px solid #f59f00;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:9}
.top{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.6rem 1rem;border-bottom:1px solid var(--line);flex-wrap:wrap}
.brand{font-weight:700;text-decoration:none;font-size:1.2rem;color:var(--fg)}.who{margin-right:.5rem;color:var(--muted)}
main{padding:1rem;max-width:1200px;margin:0 auto}h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.6rem}
.cards li{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;color:var(--muted)}.cards .n{display:block;font-size:1.6rem;font-weight:700;color:var(--fg)}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.93rem}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#f6f8fa}.badge{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.85rem;border:1px solid currentColor}
.badge-active,.badge-allow{color:var(--accent)}.badge-held,.badge-waiting,.badge-escalate{color:var(--warn)}.badge-killed,.badge-block{color:var(--danger)}.badge-done{color:var(--ok)}
.banner{border:1px solid var(--line);border-left:6px solid var(--accent);padding:.6rem .8rem;margin:.5rem 0;border-radius:4px}
.banner-stop{border-left-color:var(--danger);background:#fff1f0}.empty{color:var(--muted);font-style:italic}
button,.button{font:inherit;padding:.35rem .8rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block;min-height:44px}
button.link{background:none;border:none;color:var(--accent);text-decoration:underline;padding:0;min-height:0}button.danger{background:var(--danger);border-color:var(--danger)}
.inline{display:inline}.filters,.action,.stop-form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.actions{border:1px solid var(--line);border-radius:8px;padding:.2rem 1rem .8rem}input,select{font:inherit;padding:.3rem;min-height:44px;border:1px solid var(--muted);border-radius:4px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:var(--muted)}dd{margin:0}
pre.diff{background:#f6f8fa;padding:.8rem;overflow:auto;max-height:30rem;font-size:.85rem}.crumbs{color:var(--muted);margin:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.live-status{position:fixed;bottom:0;right:.5rem;color:var(--muted);font-size:.8rem}
meter{width:5rem;vertical-align:middle}
@media (max-width:600px){main{padding:.6rem}table{font-size:.85rem}dl.facts{grid-template-columns:1fr}}
`;

export const PORTAL_JS = `
(function () {
  var stream = document.body.getAttribute("data-live");
  if (!stream || !window.EventSource) return;
  var status = document.getElementById("live-status");
  var pending = false, again = false;
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch(location.href, { headers: { accept: "text/html" }, credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var fresh = doc.getElementById("main"), here = document.getElementById("main");
      var active = document.activeElement;
      var typing = active && here.contains(active) && (active.tagName === "INPUT" || active.tagName === "SELECT");
      if (fresh && here && !typing) here.innerHTML = fresh.innerHTML;
      if (status) status.textContent = "Updated " + new Date().toLocaleTimeString();
    }).catch(function () {}).then(function () { pending = false; if (again) { again = false; refresh(); } });
  }
  var source = new EventSource(stream);
  source.addEventListener("story", refresh);
  source.addEventListener("open", function () { if (status) status.textContent = "Live"; });
  source.addEventListener("error", function () { if (status) status.textContent = "Reconnecting…"; });
})();
`;
