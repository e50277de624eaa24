/* global document, DOMRect */
// Runs in the page (test/e2e/html-report.test.ts adds it to a copy of the report): measures
// every text of the Gantt charts, histograms and task graph with getBBox and writes what
// overlaps or spills into <pre id="measured">, as a JSON list whose first line counts the charts.
(function measure() {
  const problems = [];
  const box = (e) => e.getBBox();
  const name = (e) => {
    const svg = e.closest('svg');
    const chart = `${svg?.getAttribute('class') ?? '?'}${svg?.getAttribute('data-team') ?? ''}`;
    return `${chart} "${e.textContent ?? ''}"`;
  };
  const inside = (a, b, slack) =>
    a.x >= b.x - slack &&
    a.y >= b.y - slack &&
    a.x + a.width <= b.x + b.width + slack &&
    a.y + a.height <= b.y + b.height + slack;
  const svgs = [...document.querySelectorAll('svg.gantt, svg.histogram, svg.task-graph')];
  for (const svg of svgs) {
    const texts = [...svg.querySelectorAll('text')];
    const boxes = texts.map(box);
    const view = svg.viewBox.baseVal;
    const frame = new DOMRect(view.x, view.y, view.width, view.height);
    boxes.forEach((b, i) => {
      if (!inside(b, frame, 0.5)) problems.push(`outside its chart: ${name(texts[i])}`);
      for (let j = i + 1; j < boxes.length; j++) {
        const c = boxes[j];
        const dx = Math.min(b.x + b.width, c.x + c.width) - Math.max(b.x, c.x);
        const dy = Math.min(b.y + b.height, c.y + c.height) - Math.max(b.y, c.y);
        if (dx > 0.5 && dy > 0.5) problems.push(`overlap: ${name(texts[i])} and ${name(texts[j])}`);
      }
    });
    for (const t of svg.querySelectorAll('.bar-label:not(.under)')) {
      const rect = t.parentElement?.querySelector('rect');
      if (!rect || !inside(box(t), rect.getBBox(), 0.5))
        problems.push(`label outside its bar: ${name(t)}`);
    }
    const lane = svg.querySelector('.lane-bg');
    for (const t of svg.querySelectorAll('.lane-id, .lane-name')) {
      const b = box(t);
      if (lane && b.x + b.width > lane.getBBox().x)
        problems.push(`engineer name runs into the lanes: ${name(t)}`);
    }
    for (const g of svg.querySelectorAll('g.node')) {
      const rect = g.querySelector('rect').getBBox();
      for (const t of g.querySelectorAll('text'))
        if (!inside(box(t), rect, 0)) problems.push(`text outside its box: ${name(t)}`);
    }
  }
  const out = [`measured ${svgs.length} charts`, ...problems];
  document.getElementById('measured').textContent = JSON.stringify(out);
})();
