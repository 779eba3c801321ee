/* Deadline calculator for computable time limits (macros/render/templates/deadline.html).
 *
 * A reader enters the start date; the due date is counted as macros/deadlines.py counts it:
 * working days skip statutory holidays and count the make-up working days (调休), the start day
 * itself not counted; months and years follow the calendar (31 Jan + 1 month = 28/29 Feb). The
 * calendar is loaded from calendar.js beside this file, only on pages that need it. A year whose
 * schedule the calendar lacks is counted Monday to Friday and the result says so: no date is
 * refused. A due date on a rest day is named, not moved. No inline script: CSP-clean. */
(function () {
  "use strict";

  var HERE = document.currentScript && document.currentScript.src;
  var WEEKDAYS = "日一二三四五六";
  var NOT_MOVED = "来源未规定截止日遇休息日是否顺延，本手册不作顺延。";

  function parse(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  }

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  function addDays(date, days) {
    return new Date(date.getTime() + days * 86400000);
  }

  function addMonths(date, months) {
    var index = date.getUTCMonth() + months;
    var year = date.getUTCFullYear() + Math.floor(index / 12);
    var month = ((index % 12) + 12) % 12;
    var last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), last)));
  }

  function has(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key);
  }

  function Calendar(data) {
    this.years = data.years;
    this.daysOff = data.days_off;
    this.workdays = data.workdays;
  }

  Calendar.prototype.isWorkingDay = function (date) {
    var day = iso(date);
    if (has(this.workdays, day)) {
      return true;
    }
    var weekday = date.getUTCDay();
    return weekday !== 0 && weekday !== 6 && !has(this.daysOff, day);
  };

  /** What makes a day a rest day (清明节, 星期日), or null for a working day. */
  Calendar.prototype.restDay = function (date) {
    if (this.isWorkingDay(date)) {
      return null;
    }
    var day = iso(date);
    return has(this.daysOff, day) ? this.daysOff[day] : "星期" + WEEKDAYS.charAt(date.getUTCDay());
  };

  Calendar.prototype.unscheduled = function (years) {
    var calendar = this;
    return years.filter(function (year, index) {
      return years.indexOf(year) === index && !has(calendar.years, String(year));
    }).sort();
  };

  /** {date, rest, unscheduled, workingDays}: as macros/deadlines.py's Due. */
  Calendar.prototype.due = function (start, amount, unit) {
    var day = start;
    if (unit === "工作日") {
      var counted = [];
      while (amount > 0) {
        day = addDays(day, 1);
        counted.push(day.getUTCFullYear());
        if (this.isWorkingDay(day)) {
          amount -= 1;
        }
      }
      return {date: day, rest: this.restDay(day), unscheduled: this.unscheduled(counted), workingDays: true};
    }
    if (unit === "日") {
      day = addDays(start, amount);
    } else if (unit === "个月") {
      day = addMonths(start, amount);
    } else if (unit === "年") {
      day = addMonths(start, 12 * amount);
    } else {
      return null;
    }
    return {date: day, rest: this.restDay(day), unscheduled: this.unscheduled([day.getUTCFullYear()]),
            workingDays: false};
  };

  function notes(due) {
    var lines = [];
    if (due.rest) {
      lines.push("该日为休息日（" + due.rest + "）；" + NOT_MOVED);
    }
    if (due.unscheduled.length) {
      var years = due.unscheduled.join("、");
      lines.push(due.workingDays
        ? years + " 年放假安排未收录，按周一至周五推算，仅供参考；请按国务院办公厅的通知核对。"
        : years + " 年放假安排未收录，该日是否放假或调休上班，请按国务院办公厅的通知核对。");
    }
    return lines;
  }

  function spoken(date) {
    return date.getUTCFullYear() + " 年 " + (date.getUTCMonth() + 1) + " 月 " + date.getUTCDate() + " 日（星期" +
      WEEKDAYS.charAt(date.getUTCDay()) + "）";
  }

  function wire(box, calendar) {
    var input = box.querySelector(".hb-deadline-start");
    var output = box.querySelector(".hb-deadline-due");
    var amount = Number(box.getAttribute("data-amount"));
    var unit = box.getAttribute("data-unit");
    var label = box.getAttribute("data-kind") === "within" ? "截止日：" : "下一次最晚：";
    function show() {
      var start = parse(input.value);
      var due = start && calendar.due(start, amount, unit);
      output.textContent = "";
      output.setAttribute("data-due", due ? iso(due.date) : "");
      output.setAttribute("data-rest", due && due.rest ? due.rest : "");
      output.setAttribute("data-unscheduled", due ? due.unscheduled.join(",") : "");
      if (!due) {
        return;
      }
      var head = document.createElement("strong");
      head.textContent = label + spoken(due.date);
      output.appendChild(head);
      notes(due).forEach(function (line) {
        var note = document.createElement("span");
        note.className = "hb-deadline-note";
        note.textContent = line;
        output.appendChild(note);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    box.hidden = false;
  }

  function start() {
    var boxes = document.querySelectorAll(".hb-deadline");
    if (!boxes.length || !HERE) {
      return;
    }
    var script = document.createElement("script");
    script.src = new URL("calendar.js", HERE).href;
    script.onload = function () {
      if (!self.__hbCalendar) {
        return;
      }
      var calendar = new Calendar(self.__hbCalendar);
      Array.prototype.forEach.call(boxes, function (box) {
        wire(box, calendar);
      });
    };
    document.head.appendChild(script);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
