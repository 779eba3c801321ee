/* Deadline calculator for computable time limits (macros/render/templates/deadline.html).
 *
 * A reader enters the start date; the due date is counted as macros/deadlines.py counts it:
 * working days skip statutory holidays and count the make-up working days (调休), the start day
 * itself not counted; months and years follow the calendar (31 Jan + 1 month = 28/29 Feb). The
 * official calendar is loaded from calendar.js beside this file, only on pages that need it.
 * Dates outside the years it covers are refused, never guessed. No inline script: CSP-clean. */
(function () {
  "use strict";

  var HERE = document.currentScript && document.currentScript.src;
  var WEEKDAYS = "日一二三四五六";

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

  function Calendar(data) {
    this.first = data.first;
    this.last = data.last;
    this.holidays = new Set(data.holidays);
    this.workdays = new Set(data.workdays);
  }

  Calendar.prototype.covers = function (date) {
    var day = iso(date);
    return day >= this.first && day <= this.last;
  };

  Calendar.prototype.isWorkingDay = function (date) {
    var day = iso(date);
    if (this.workdays.has(day)) {
      return true;
    }
    var weekday = date.getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(day);
  };

  /** The due date, or null when the count would leave the years the calendar covers. */
  Calendar.prototype.due = function (start, amount, unit) {
    if (unit === "工作日") {
      var day = start;
      if (!this.covers(day)) {
        return null;
      }
      while (amount > 0) {
        day = addDays(day, 1);
        if (!this.covers(day)) {
          return null;
        }
        if (this.isWorkingDay(day)) {
          amount -= 1;
        }
      }
      return day;
    }
    if (unit === "日") {
      return addDays(start, amount);
    }
    if (unit === "个月") {
      return addMonths(start, amount);
    }
    if (unit === "年") {
      return addMonths(start, 12 * amount);
    }
    return null;
  };

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
      if (!start) {
        output.textContent = "";
        return;
      }
      var due = calendar.due(start, amount, unit);
      output.textContent = due
        ? label + spoken(due)
        : "超出日历覆盖的 " + calendar.first.slice(0, 4) + "—" + calendar.last.slice(0, 4) +
          " 年，无法推算；请按当年公布的放假安排自行计算";
      output.setAttribute("data-due", due ? iso(due) : "");
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
