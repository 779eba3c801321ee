/* Checklists that keep their state in this browser.
 *
 * A checklist page (macros/render/templates/checklist_body.html) carries data-checklist (its id)
 * and data-edition (the handbook's edition). Ticks, notes and the sign-off fields are saved in
 * localStorage under one key per site path, edition and checklist, so a half-done check survives
 * a reload and a new edition starts clean. Nothing leaves the browser.
 *
 * The site's Content-Security-Policy (deploy/nginx-handbook.conf) forbids inline scripts, event
 * attributes and style attributes: this file only toggles classes and the hidden property.
 * Linked only from pages that hold a checklist form (macros/site/assets.py).
 */
(function () {
  "use strict";

  var PREFIX = "hb-checklist:";
  var VERSION = 1;

  // The site root, from this script's own address (<root>/assets/checklist.js): copies of the
  // handbook under different sub-paths of one host keep separate state.
  var ROOT = "/";
  if (document.currentScript && document.currentScript.src) {
    ROOT = new URL("..", document.currentScript.src).pathname;
  }

  /** localStorage if this page may write to it, else null (file:// in some browsers, private
   * modes, storage disabled by policy). Reading the property itself can throw. */
  function openStorage() {
    try {
      var storage = window.localStorage;
      var probe = ROOT + PREFIX + "probe";
      storage.setItem(probe, "1");
      storage.removeItem(probe);
      return storage;
    } catch (error) {
      return null;
    }
  }

  function storageKey(edition, id) {
    return ROOT + PREFIX + edition + ":" + id;
  }

  /** Remove this checklist's state from other editions: their pages are gone, so nothing on the
   * site could show or clear it any more, and notes may name people or cases. */
  function forgetOtherEditions(storage, id, key) {
    var own = ROOT + PREFIX;
    var suffix = ":" + id;
    for (var i = storage.length - 1; i >= 0; i -= 1) {
      var name = storage.key(i);
      if (name && name !== key && name.indexOf(own) === 0 &&
          name.slice(-suffix.length) === suffix) {
        storage.removeItem(name);
      }
    }
  }

  function readState(storage, key) {
    if (!storage) {
      return null;
    }
    try {
      var state = JSON.parse(storage.getItem(key));
      if (state && state.v === VERSION && typeof state.items === "object" && state.items) {
        return state;
      }
    } catch (error) {
      // Unreadable state is treated as none.
    }
    return null;
  }

  function Checklist(root, storage) {
    this.root = root;
    this.storage = storage;
    this.id = root.getAttribute("data-checklist");
    this.key = storageKey(root.getAttribute("data-edition"), this.id);
    this.rows = Array.prototype.slice.call(root.querySelectorAll("tr[data-item]"));
    this.signs = Array.prototype.slice.call(root.querySelectorAll("[data-sign]"));
    this.status = root.querySelector(".hb-checklist-status");
    this.failed = false;
    this.cleared = false;
  }

  Checklist.prototype.tick = function (row) {
    return row.querySelector("input[type=checkbox]");
  };

  Checklist.prototype.note = function (row) {
    return row.querySelector(".hb-checklist-note input");
  };

  /** The score field of a row, on checklists that have a score column (else null). */
  Checklist.prototype.score = function (row) {
    return row.querySelector(".hb-score input");
  };

  /** The form's content, or null when everything is empty (then nothing is kept). */
  Checklist.prototype.collect = function () {
    var items = {};
    var sign = {};
    var any = false;
    var self = this;
    this.rows.forEach(function (row) {
      var done = self.tick(row).checked;
      var note = self.note(row).value;
      var scoreField = self.score(row);
      var score = scoreField ? scoreField.value : "";
      if (done || note || score) {
        items[row.getAttribute("data-item")] = score ? { done: done, note: note, score: score } : { done: done, note: note };
        any = true;
      }
    });
    this.signs.forEach(function (input) {
      if (input.value) {
        sign[input.getAttribute("data-sign")] = input.value;
        any = true;
      }
    });
    return any ? { v: VERSION, items: items, sign: sign } : null;
  };

  Checklist.prototype.apply = function (state) {
    var items = (state && state.items) || {};
    var sign = (state && state.sign) || {};
    var self = this;
    this.rows.forEach(function (row) {
      var saved = items[row.getAttribute("data-item")] || {};
      self.tick(row).checked = saved.done === true;
      self.note(row).value = typeof saved.note === "string" ? saved.note : "";
      var scoreField = self.score(row);
      if (scoreField) {
        scoreField.value = typeof saved.score === "string" ? saved.score : "";
      }
    });
    this.signs.forEach(function (input) {
      var value = sign[input.getAttribute("data-sign")];
      input.value = typeof value === "string" ? value : "";
    });
    this.mirrorAll();
  };

  Checklist.prototype.save = function () {
    if (!this.storage) {
      return;
    }
    var state = this.collect();
    try {
      if (state) {
        this.storage.setItem(this.key, JSON.stringify(state));
      } else {
        this.storage.removeItem(this.key);
      }
      this.failed = false;
    } catch (error) {
      this.failed = true; // quota exceeded or storage switched off meanwhile
    }
  };

  /** Print shows a plain-text copy of each field: a printed input cuts long text off. */
  Checklist.prototype.mirror = function (input) {
    var copy = input.nextElementSibling;
    if (!copy || !copy.classList.contains("hb-print-value")) {
      copy = document.createElement("span");
      copy.className = "hb-print-value";
      copy.setAttribute("aria-hidden", "true");
      input.insertAdjacentElement("afterend", copy);
    }
    var value = input.value;
    var date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (input.type === "date" && date) {
      value = date[1] + " 年 " + Number(date[2]) + " 月 " + Number(date[3]) + " 日";
    }
    copy.textContent = value;
  };

  Checklist.prototype.mirrorAll = function () {
    var self = this;
    this.rows.forEach(function (row) {
      self.mirror(self.note(row));
      if (self.score(row)) {
        self.mirror(self.score(row));
      }
    });
    this.signs.forEach(function (input) {
      self.mirror(input);
    });
  };

  Checklist.prototype.showStatus = function () {
    var self = this;
    var done = this.rows.filter(function (row) {
      return self.tick(row).checked;
    }).length;
    var text = "已完成 " + done + "/" + this.rows.length + " 项";
    if (!this.storage) {
      text += "。无法保存：本浏览器不允许网页保存数据，刷新或关闭页面后勾选和备注会丢失";
    } else if (this.failed) {
      text += "。无法保存：浏览器的存储空间已满或已被禁用";
    } else if (this.storage.getItem(this.key) !== null) {
      text += "，已保存在本浏览器";
    } else {
      text += "，勾选和备注会自动保存在本浏览器";
    }
    if (this.cleared) {
      text = "已清空。" + text;
    }
    // Only real changes are announced (aria-live): typing a note leaves the line as it is.
    if (this.status.textContent !== text) {
      this.status.textContent = text;
    }
  };

  Checklist.prototype.changed = function (event) {
    if (event.target.matches && event.target.matches("input")) {
      this.cleared = false;
      if (event.target.type !== "checkbox") {
        this.mirror(event.target);
      }
      this.save();
      this.showStatus();
    }
  };

  Checklist.prototype.clear = function () {
    if (!window.confirm("清空本表的全部勾选、备注和检查记录？清空后不能恢复。")) {
      return;
    }
    this.apply(null);
    this.save();
    this.cleared = true;
    this.showStatus();
  };

  /** Another tab changed or cleared the same checklist. */
  Checklist.prototype.reload = function () {
    this.apply(readState(this.storage, this.key));
    this.cleared = false;
    this.showStatus();
  };

  Checklist.prototype.start = function () {
    var self = this;
    if (this.storage) {
      try {
        forgetOtherEditions(this.storage, this.id, this.key);
      } catch (error) {
        // Not essential.
      }
    }
    this.apply(readState(this.storage, this.key));
    this.root.addEventListener("input", function (event) { self.changed(event); });
    this.root.addEventListener("change", function (event) { self.changed(event); });
    this.root.querySelector("[data-checklist-action=clear]").addEventListener("click", function () {
      self.clear();
    });
    this.root.querySelector("[data-checklist-action=print]").addEventListener("click", function () {
      window.print();
    });
    this.root.querySelector(".hb-checklist-tools").hidden = false;
    this.root.classList.add("hb-checklist--ready");
    this.showStatus();
  };

  var active = [];

  function setUp() {
    var storage = openStorage();
    active = active.filter(function (checklist) {
      return document.contains(checklist.root);
    });
    document.querySelectorAll(".hb-checklist[data-edition]").forEach(function (root) {
      if (root.classList.contains("hb-checklist--ready")) {
        return;
      }
      var checklist = new Checklist(root, storage);
      checklist.start();
      active.push(checklist);
    });
  }

  window.addEventListener("storage", function (event) {
    active.forEach(function (checklist) {
      if (event.key === null || event.key === checklist.key) {
        checklist.reload();
      }
    });
  });

  // Material exposes document$, which emits on every page shown, also with instant navigation
  // (not enabled in mkdocs.yml today). Without the theme's bundle, the page load will do.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
