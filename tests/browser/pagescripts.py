"""The JavaScript that the browser tests evaluate in the JupyterLab page.

Each script is a function for Playwright's ``page.evaluate``. Those that work on one
notebook find its panel by path (``findPanel``) through ``window.jupyterapp``, which the
test server exposes (``--LabApp.expose_app_in_browser=True``).
"""

_HELPERS = """
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const findPanel = (app, path) => {
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.sessionContext
        && widget.content && widget.content.model) {
      return widget;
    }
  }
  return null;
};
"""

#: Wait for the notebook panel, its context and session, then an idle, connected kernel;
#: activate the panel and return the kernel name.
WAIT_FOR_KERNEL = (
    "async ({ path, timeoutMs }) => {"
    + _HELPERS
    + """
  const app = window.jupyterapp;
  const deadline = Date.now() + timeoutMs;
  let panel = findPanel(app, path);
  while (!panel) {
    if (Date.now() > deadline) throw new Error(`no notebook panel for ${path}`);
    await sleep(100);
    panel = findPanel(app, path);
  }
  const ready = Promise.all([panel.context.ready, panel.sessionContext.ready]);
  const timeout = sleep(Math.max(0, deadline - Date.now())).then(() => {
    throw new Error('the notebook context/session did not become ready');
  });
  await Promise.race([ready, timeout]);
  for (;;) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected') {
      app.shell.activateById(panel.id);
      return kernel.name;
    }
    if (Date.now() > deadline) {
      throw new Error(`kernel not ready: status=${kernel && kernel.status}, `
                      + `connection=${kernel && kernel.connectionStatus}`);
    }
    await sleep(100);
  }
}"""
)

#: Clear all outputs and start run-all; ``EXECUTION_STATE`` tells when it is done.
RUN_ALL = (
    "async ({ path }) => {"
    + _HELPERS
    + """
  const app = window.jupyterapp;
  const panel = findPanel(app, path);
  app.shell.activateById(panel.id);
  await app.commands.execute('notebook:clear-all-cell-outputs');
  // Not awaited: it settles as soon as one cell raises. Completion is polled for.
  window.__courseRunAll = { done: false, result: null };
  app.commands.execute('notebook:run-all-cells').then(
    (result) => { window.__courseRunAll = { done: true, result: String(result) }; },
    (error) => { window.__courseRunAll = { done: true, result: `error: ${error}` }; },
  );
  return true;
}"""
)

#: Whether run-all settled, how many code cells are running, and the kernel status.
EXECUTION_STATE = (
    "({ path }) => {"
    + _HELPERS
    + """
  const panel = findPanel(window.jupyterapp, path);
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  let running = 0;
  for (const cell of panel.content.model.cells) {
    if (cell.type === 'code' && cell.executionState === 'running') running += 1;
  }
  return {
    runAll: window.__courseRunAll || null,
    running,
    kernel: kernel ? kernel.status : 'none',
  };
}"""
)

#: Every code cell: execution count, source, tags, outputs, stderr outputs drawn.
CELLS = (
    "({ path }) => {"
    + _HELPERS
    + """
  const panel = findPanel(window.jupyterapp, path);
  const selector = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';
  const report = [];
  panel.content.widgets.forEach((widget, index) => {
    const cell = widget.model;
    if (cell.type !== 'code') return;
    report.push({
      index,
      executionCount: cell.executionCount,
      source: cell.sharedModel.getSource(),
      tags: cell.getMetadata('tags') || [],
      outputs: cell.outputs.toJSON(),
      domStderr: widget.node.querySelectorAll(selector).length,
    });
  });
  return report;
}"""
)

#: Widget outputs of the page: still loading, failed, static fallbacks, live views.
WIDGETS = """() => {
  const outputs = [...document.querySelectorAll('.jp-OutputArea-output')];
  const texts = outputs.map((node) => node.textContent.trim());
  const attr = (node, name) => (node.dataset[name] === undefined ? null : node.dataset[name]);
  return {
    loading: texts.filter((t) => t.startsWith('Loading widget')).length,
    errors: texts.filter((t) => t.startsWith('Error displaying widget')),
    static: document.querySelectorAll('.kc-partition-view.kc-static').length,
    views: [...document.querySelectorAll('.kc-partition-view:not(.kc-static)')].map((view) => ({
      topic: attr(view, 'topic'),
      records: attr(view, 'records'),
      partitionsAttr: attr(view, 'partitions'),
      exists: attr(view, 'exists'),
      rows: [...view.querySelectorAll('.kc-partition')].map((row) => ({
        partition: attr(row, 'partition'),
        records: attr(row, 'records'),
        cells: row.querySelectorAll('.kc-record').length,
      })),
      recordCells: view.querySelectorAll('.kc-record').length,
    })),
  };
}"""

#: Shut the notebook's kernel down.
SHUTDOWN = (
    "async ({ path }) => {"
    + _HELPERS
    + """
  const panel = findPanel(window.jupyterapp, path);
  if (panel) await panel.sessionContext.shutdown();
  return true;
}"""
)

#: Texts of the open JupyterLab dialogs.
DIALOGS = """() => [...document.querySelectorAll('.jp-Dialog')]
  .map((dialog) => dialog.textContent.trim().replace(/\\s+/g, ' '))"""


#: Collapse the left and right side areas of JupyterLab.
COLLAPSE_SIDE_PANELS = (
    "() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }"
)
