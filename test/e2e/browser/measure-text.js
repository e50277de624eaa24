/* global document, DOMRect */
// Runs in the page (test/e2e/html-report.test.ts adds it to a copy of the report): measures
// every text of the Gantt charts, histograms and task graph with getBBox and writes what
// overlaps or spills into <pre id="measured">, as a JSON list whose first line counts the charts.
(function measure() {
  const problems = [];
  const box = (e) => e.getBBox();
  const chart = (svg) =>
    `${svg?.getAttribute('class') ?? '?'}${svg?.getAttribute('data-team') ?? ''}`;
  const name = (e) => `${chart(e.closest('svg'))} "${e.textContent ?? ''}"`;
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
    for (const g of svg.querySelectorAll('g.activity'))
      if (g.querySelector('text') === null)
        problems.push(`${chart(svg)}: bar ${g.getAttribute('data-id')} has no label`);
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
    // Marker lines (plan, percentiles, deadline, GPU arrival) cross no text.
    for (const line of svg.querySelectorAll(
      'line.pline, line.plan-line, line.deadline, line.arrival',
    )) {
      const x = line.x1.baseVal.value;
      const y1 = Math.min(line.y1.baseVal.value, line.y2.baseVal.value);
      const y2 = Math.max(line.y1.baseVal.value, line.y2.baseVal.value);
      texts.forEach((t, i) => {
        const b = boxes[i];
        if (x > b.x + 0.5 && x < b.x + b.width - 0.5 && y1 < b.y + b.height - 0.5 && y2 > b.y + 0.5)
          problems.push(`a ${line.getAttribute('class')} line crosses ${name(t)}`);
      });
    }
    // A Gantt fills its column, and the plan (its bars, or a summary's load) fills most of the
    // time axis.
    if (svg.classList.contains('gantt')) {
      const column = svg.parentElement.clientWidth;
      const shown = svg.getBoundingClientRect().width;
      if (shown < 0.98 * column)
        problems.push(`${chart(svg)} is ${Math.round(shown)} px wide in a ${column} px column`);
      const plot = lane.getBBox();
      const end = Math.max(
        ...[...svg.querySelectorAll('rect.bar, rect.load')].map(
          (r) => r.getBBox().x + r.getBBox().width,
        ),
      );
      if (end - plot.x < 0.75 * plot.width)
        problems.push(
          `${chart(svg)}: the bars end at ${Math.round((100 * (end - plot.x)) / plot.width)} % of the axis`,
        );
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
