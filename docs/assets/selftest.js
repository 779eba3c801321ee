/* A course's self-test, answered and scored in this browser.
 *
 * The course page (macros/render/templates/selftest.html) carries the questions as a form: one
 * fieldset per question with data-answer (the index of the right option), radio buttons whose
 * values are option indexes, and each question's answer, explanation and basis in a hidden block.
 * Handing in scores the answers, shows every block with the learner's choice and the right answer
 * marked in words (not by colour alone), and moves the focus to the score. 重新测试 clears it all;
 * 打印成绩单 prints the questions, answers and score without the rest of the page.
 *
 * Nothing is stored or sent: no storage, no request; the form is never submitted. The page's
 * Content-Security-Policy forbids inline scripts and style attributes: this file only changes
 * text, classes and the hidden and disabled properties. Loaded on every page (mkdocs.yml
 * extra_javascript); pages without a self-test are left alone.
 */
(function () {
  "use strict";

  var PRINTING = "hb-selftest-printing";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function SelfTest(form) {
    this.form = form;
    this.questions = all(form, "fieldset.hb-q");
    this.result = form.querySelector(".hb-selftest-result");
    this.tools = form.querySelector(".hb-selftest-tools");
    this.submit = form.querySelector("[data-selftest-action=submit]");
    this.retry = form.querySelector("[data-selftest-action=retry]");
    this.print = form.querySelector("[data-selftest-action=print]");
  }

  /** The label of option `index` of a question (its text says which letter it is). */
  SelfTest.prototype.label = function (question, index) {
    var input = question.querySelectorAll("input[type=radio]")[index];
    return input ? question.querySelector("label[for='" + input.id + "']") : null;
  };

  /** A question's option as the verdict names it: “C．” for a choice, “正确” for true/false. */
  SelfTest.prototype.optionName = function (question, index) {
    var label = this.label(question, index);
    var letter = label && label.querySelector(".hb-q-letter");
    return letter ? letter.textContent.replace("．", "") : "“" + label.textContent + "”";
  };

  SelfTest.prototype.mark = function (question, index, text) {
    var label = this.label(question, index);
    if (label) {
      label.appendChild(element("span", "hb-q-mark", text));
    }
  };

  /** Score one question, show its answer and lock it; "right", "wrong" or "blank". */
  SelfTest.prototype.score = function (question) {
    var answer = Number(question.getAttribute("data-answer"));
    var checked = question.querySelector("input[type=radio]:checked");
    var chosen = checked ? Number(checked.value) : null;
    var outcome = chosen === null ? "blank" : chosen === answer ? "right" : "wrong";
    var verdict = question.querySelector(".hb-q-verdict");
    if (outcome === "right") {
      verdict.textContent = "回答正确。";
      this.mark(question, answer, "（你的选择，正确答案）");
    } else {
      verdict.textContent = outcome === "blank" ? "未作答。" : "回答错误：你选了 " + this.optionName(question, chosen) + "。";
      if (outcome === "wrong") {
        this.mark(question, chosen, "（你的选择）");
      }
      this.mark(question, answer, "（正确答案）");
    }
    question.classList.add("hb-q--" + outcome);
    question.querySelector(".hb-q-feedback").hidden = false;
    question.disabled = true;
    return outcome;
  };

  SelfTest.prototype.showResult = function (counts, missed) {
    var total = this.questions.length;
    var points = total ? Math.round((counts.right * 100) / total) : 0;
    var result = this.result;
    result.textContent = "";
    result.setAttribute("data-score", String(points));
    result.appendChild(element("p", "hb-selftest-score", "得分：" + points + " 分（满分 100 分）"));
    result.appendChild(element("p", "", "共 " + total + " 题：答对 " + counts.right + " 题，答错 " + counts.wrong +
      " 题，未答 " + counts.blank + " 题。每题下方列出正确答案、依据和出处。"));
    if (missed.length) {
      var line = element("p", "hb-selftest-missed", "答错和未答的题：");
      missed.forEach(function (question, n) {
        var link = element("a", "", "第 " + question.getAttribute("data-number") + " 题");
        link.href = "#" + question.id;
        line.appendChild(link);
        if (n < missed.length - 1) {
          line.appendChild(document.createTextNode("、"));
        }
      });
      result.appendChild(line);
    }
    result.hidden = false;
  };

  SelfTest.prototype.handIn = function () {
    var self = this;
    var counts = { right: 0, wrong: 0, blank: 0 };
    var missed = [];
    this.questions.forEach(function (question) {
      var outcome = self.score(question);
      counts[outcome] += 1;
      if (outcome !== "right") {
        missed.push(question);
      }
    });
    this.showResult(counts, missed);
    this.form.classList.add("hb-selftest--done");
    this.submit.hidden = true;
    this.retry.hidden = false;
    this.print.hidden = false;
    this.result.focus();
  };

  SelfTest.prototype.reset = function () {
    this.form.reset();
    this.questions.forEach(function (question) {
      question.disabled = false;
      question.classList.remove("hb-q--right", "hb-q--wrong", "hb-q--blank");
      question.querySelector(".hb-q-feedback").hidden = true;
      question.querySelector(".hb-q-verdict").textContent = "";
      all(question, ".hb-q-mark").forEach(function (mark) {
        mark.remove();
      });
    });
    this.result.hidden = true;
    this.result.textContent = "";
    this.result.removeAttribute("data-score");
    this.form.classList.remove("hb-selftest--done");
    this.submit.hidden = false;
    this.retry.hidden = true;
    this.print.hidden = true;
    var first = this.form.querySelector("input[type=radio]");
    if (first) {
      first.focus();
    }
  };

  /** Print the result sheet only: the class hides the rest of the page (selftest.css) until the
   * print dialog closes. */
  SelfTest.prototype.printSheet = function () {
    var root = document.documentElement;
    root.classList.add(PRINTING);
    window.addEventListener("afterprint", function done() {
      root.classList.remove(PRINTING);
      window.removeEventListener("afterprint", done);
    });
    window.print();
  };

  SelfTest.prototype.start = function () {
    var self = this;
    this.questions.forEach(function (question, n) {
      question.setAttribute("data-number", String(n + 1));
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault(); // scored here; the form is never sent anywhere
      if (!self.form.classList.contains("hb-selftest--done")) {
        self.handIn();
      }
    });
    this.retry.addEventListener("click", function () { self.reset(); });
    this.print.addEventListener("click", function () { self.printSheet(); });
    this.tools.hidden = false;
    this.form.classList.add("hb-selftest--ready");
  };

  function setUp() {
    all(document, "form.hb-selftest").forEach(function (form) {
      if (!form.classList.contains("hb-selftest--ready")) {
        new SelfTest(form).start();
      }
    });
  }

  // Each page is a page load (mkdocs.yml does not enable Material's instant navigation).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
