// What can be checked in the page itself, with nothing installed (tests/support/browser.py runs
// it through Selenium's execute_script and reads back one line per problem): WCAG 2.2 AA's
// labels (1.3.1, 4.1.2), one h1, the page's language and direction (3.1.1), no positive
// tabindex (2.4.3), text contrast from the computed styles (1.4.3), target sizes (2.5.8).
const problems = [];
const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
  + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "")
  + ' "' + (e.innerText || e.value || e.name || "").trim().slice(0, 30) + '"';
const shown = (e) => {
  const s = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return s.visibility !== "hidden" && s.display !== "none" && box.width > 0 && box.height > 0
    && !(box.right < 0 || box.bottom < 0);  // off-screen until focused (a skip link)
};

// Every form field has a name a screen reader reads: a <label>, aria-label or aria-labelledby.
for (const field of document.querySelectorAll("input, select, textarea")) {
  if (field.type === "hidden") continue;
  const labelled = (field.labels && field.labels.length > 0)
    || (field.getAttribute("aria-label") || "").trim()
    || (field.getAttribute("aria-labelledby") || "").split(/\s+/).some(
      (id) => id && document.getElementById(id));
  if (!labelled) problems.push("no label: " + describe(field));
}

const headings = document.querySelectorAll("h1");
if (headings.length !== 1) problems.push(`${headings.length} h1 headings (one expected)`);

const html = document.documentElement;
const lang = html.getAttribute("lang") || "";
if (!lang.trim()) problems.push("html has no lang");
const rightToLeft = ["ar", "he", "fa", "ur"].includes(lang.split("-")[0]);
if (rightToLeft && html.getAttribute("dir") !== "rtl") problems.push(`lang=${lang} without dir=rtl`);
if (!rightToLeft && (html.getAttribute("dir") || "ltr") !== "ltr") problems.push(`lang=${lang} with dir=rtl`);

for (const e of document.querySelectorAll("[tabindex]")) {
  if (parseInt(e.getAttribute("tabindex"), 10) > 0) problems.push("positive tabindex: " + describe(e));
}

// Contrast: each element with its own text, its colour against the first background behind
// it that is not transparent (layered colours are blended; a background image is skipped).
const rgba = (text) => {
  const m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const background = (e) => {
  const layers = [];
  for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (s.backgroundImage && s.backgroundImage !== "none") return null;
    const c = rgba(s.backgroundColor);
    if (c && c[3] > 0) {
      layers.push(c);
      if (c[3] >= 1) break;
    }
  }
  let result = [255, 255, 255, 1];  // the canvas
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
};
for (const e of document.body.querySelectorAll("*")) {
  const ownText = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!ownText || !shown(e) || e.closest("[aria-hidden=true]")) continue;
  const s = getComputedStyle(e);
  if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") continue;  // visually hidden
  const bg = background(e);
  const fg = rgba(s.color);
  if (!bg || !fg) continue;
  const text = over(fg, bg);
  const [a, b] = [luminance(text), luminance(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(s.fontSize);
  const large = size >= 24 || (size >= 18.66 && parseInt(s.fontWeight, 10) >= 700);
  const needed = large ? 3 : 4.5;
  if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)}:1 < ${needed}:1: ${describe(e)} (${s.color} on rgb(${bg.slice(0, 3).map(Math.round).join(", ")}))`);
}

// Targets at least 24 x 24 CSS pixels (2.5.8), or, as its exceptions allow, a link inside a
// sentence, or an undersized target whose 24 px circle (centred on it) touches no other
// target and no other undersized target's circle.
const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
const all = [...document.querySelectorAll(targets)].filter(shown)
  .map((e) => ({e, box: e.getBoundingClientRect()}));
const small = all.filter(({box}) => box.width < 24 || box.height < 24);
const centre = (box) => [box.left + box.width / 2, box.top + box.height / 2];
const circleTouchesBox = ([x, y], box) => {
  const dx = Math.max(box.left - x, 0, x - box.right);
  const dy = Math.max(box.top - y, 0, y - box.bottom);
  return dx * dx + dy * dy < 12 * 12;
};
for (const {e, box} of small) {
  if (e.tagName === "A" && getComputedStyle(e).display === "inline") {
    const around = e.parentElement ? e.parentElement.innerText.replace(e.innerText, "").trim() : "";
    if (around.length > 0) continue;  // in a sentence
  }
  const c = centre(box);
  const crowded = all.some((other) => other.e !== e && !other.e.contains(e) && !e.contains(other.e)
      && !(e.labels && [...e.labels].includes(other.e))
      && (circleTouchesBox(c, other.box)
          || (small.includes(other) && Math.hypot(c[0] - centre(other.box)[0], c[1] - centre(other.box)[1]) < 24)));
  if (crowded) problems.push(`target ${Math.round(box.width)} x ${Math.round(box.height)} px < 24 x 24, too close to another: ${describe(e)}`);
}
return problems;
