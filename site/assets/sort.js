// PruneBench table sorting: progressive enhancement. Without this script every table is complete
// and already sorted by its marked column; with it, each column header becomes a button that sorts
// the rows by the cell's data-sort value and updates aria-sort.
(() => {
  function compareKeys(a, b, numeric) {
    if (numeric) return Number(a) - Number(b);
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  }

  // The column labels are the last header row; a row above may group them.
  function labelRow(table) {
    return table.tHead.rows[table.tHead.rows.length - 1];
  }

  function sortTable(table, columnIndex, direction) {
    var headers = labelRow(table).cells;
    var numeric = headers[columnIndex].classList.contains('num');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map((row, position) => {
      var cell = row.cells[columnIndex];
      var key = cell ? cell.getAttribute('data-sort') || '' : '';
      return { row: row, key: key, position: position };
    });
    rows.sort((x, y) => {
      // Empty values (no result, unranked) stay at the bottom in both directions.
      var xEmpty = x.key === '';
      var yEmpty = y.key === '';
      if (xEmpty !== yEmpty) return xEmpty ? 1 : -1;
      var order = xEmpty ? 0 : compareKeys(x.key, y.key, numeric);
      if (direction === 'descending') order = -order;
      return order || x.position - y.position;
    });
    rows.forEach((item) => {
      body.appendChild(item.row);
    });
    for (let i = 0; i < headers.length; i++) {
      if (i === columnIndex) headers[i].setAttribute('aria-sort', direction);
      else headers[i].removeAttribute('aria-sort');
    }
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var headers = labelRow(table).cells;
    Array.prototype.forEach.call(headers, (th, index) => {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      while (th.firstChild) button.appendChild(th.firstChild);
      var indicator = document.createElement('span');
      indicator.className = 'sort-indicator';
      indicator.setAttribute('aria-hidden', 'true');
      button.appendChild(indicator);
      th.appendChild(button);
      button.addEventListener('click', () => {
        var next = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        sortTable(table, index, next);
      });
    });
    table.classList.add('is-sortable');
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), enhance);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
