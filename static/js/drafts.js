// Never lose a word, on every edit form of the portal (forms posting inside <main>):
// - what a signed-in user types is kept as a local draft in this browser (localStorage,
//   keyed by user + page + form; password and file fields never), removed when the form is
//   saved, offered back after a reload or a crash ("Restaurer" / "Ignorer");
// - leaving the page with unsaved changes asks for confirmation (beforeunload);
// - a background (htmx) save that fails — 4xx other than 409/422, 5xx, network — is shown
//   next to the form in French with what to do; the typed text stays in the form.
// 409 (conflict) and 422 (invalid) answers are swapped in by htmx: the server shows them.
(function () {
  "use strict";

  var PREFIX = "cpts-draft|";
  var PENDING = "cpts-draft-pending";
  var MAX_AGE_MS = 30 * 24 * 3600 * 1000; // drafts are forgotten after 30 days
  var SKIPPED_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image"];
  var user = document.body.getAttribute("data-draft-user") || "";
  var baselines = {}; // key -> the form's values when the page (or the swap) showed it
  var unsaved = {}; // key -> true while the form holds text not saved yet
  var submitting = false;
  var timers = {};
  var submittedKeys = {}; // forms just saved: their next content is the new baseline

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function editable(form, detachedToo) {
    // Signed-in users' forms only (the login and sign-up pages are not drafts).
    if (!user || !form || form.nodeName !== "FORM") return false;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return false;
    if (form.getAttribute("data-draft") === "off") return false;
    if (!detachedToo && !form.closest("main")) return false;
    return fields(form).length > 0;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
      if (/-TOTAL_FORMS$/.test(el.name)) return true; // rows added to a formset (formsets.js)
      if (el.nodeName === "INPUT" && SKIPPED_TYPES.indexOf(el.type) !== -1) return false;
      if (el.nodeName === "BUTTON" || el.nodeName === "FIELDSET") return false;
      if (el.autocomplete === "new-password" || el.autocomplete === "current-password") {
        return false;
      }
      return true;
    });
  }

  function formKey(form) {
    var target = form.getAttribute("hx-post") || form.getAttribute("action") || "";
    var id = target || form.id || "";
    var same = Array.prototype.filter.call(document.querySelectorAll("main form"), function (f) {
      return (f.getAttribute("hx-post") || f.getAttribute("action") || f.id || "") === id;
    });
    var index = same.indexOf(form);
    return PREFIX + user + "|" + location.pathname + "|" + id + (index > 0 ? "#" + index : "");
  }

  function values(form) {
    var result = {};
    fields(form).forEach(function (el) {
      var value;
      if (el.type === "checkbox" || el.type === "radio") {
        if (!el.checked) {
          if (!(el.name in result)) result[el.name] = [];
          return;
        }
        value = el.value;
      } else if (el.nodeName === "SELECT" && el.multiple) {
        result[el.name] = Array.prototype.filter
          .call(el.options, function (o) {
            return o.selected;
          })
          .map(function (o) {
            return o.value;
          });
        return;
      } else {
        value = el.value;
      }
      if (!(el.name in result)) result[el.name] = [];
      result[el.name].push(value);
    });
    return result;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function versionOf(form) {
    var input = form.querySelector('input[name="version"]');
    return input ? input.value : null;
  }

  function readDraft(key) {
    var store = storage();
    if (!store) return null;
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (draft && Date.now() - draft.at > MAX_AGE_MS) {
        store.removeItem(key);
        return null;
      }
      return draft;
    } catch (e) {
      return null;
    }
  }

  function forget(key) {
    delete unsaved[key];
    var store = storage();
    if (store) store.removeItem(key);
  }

  function keep(form) {
    var key = formKey(form);
    var now = values(form);
    if (baselines[key] !== undefined && same(now, baselines[key])) {
      forget(key);
      return;
    }
    unsaved[key] = true;
    var store = storage();
    if (!store || !user) return;
    try {
      store.setItem(key, JSON.stringify({ at: Date.now(), version: versionOf(form), values: now }));
    } catch (e) {
      // Storage full or refused: the beforeunload warning still protects the text.
    }
  }

  function keepSoon(form) {
    var key = formKey(form);
    unsaved[key] = true;
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () {
      keep(form);
    }, 300);
  }

  function fill(form, draft) {
    var done = {};
    Object.keys(draft.values).forEach(function (name) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(name);
      if (match && window.cptsFormsetGrow) {
        window.cptsFormsetGrow(form, match[1], parseInt(draft.values[name][0], 10) || 0);
      }
    });
    fields(form).forEach(function (el) {
      var wanted = draft.values[el.name];
      if (wanted === undefined || /-TOTAL_FORMS$/.test(el.name)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = wanted.indexOf(el.value) !== -1;
      } else if (el.nodeName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = wanted.indexOf(o.value) !== -1;
        });
      } else {
        var index = done[el.name] || 0;
        if (index < wanted.length) el.value = wanted[index];
        done[el.name] = index + 1;
      }
    });
    var version = form.querySelector('input[name="version"]');
    if (version && draft.version !== null && draft.version !== undefined) {
      // Saving a draft based on an older version is refused (409) and shows the other
      // person's version, instead of silently replacing it.
      version.value = draft.version;
    }
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function frenchDate(ms) {
    var d = new Date(ms);
    return (
      pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear() +
      " à " + pad(d.getHours()) + ":" + pad(d.getMinutes())
    );
  }

  function button(text, hidden, classes) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = classes;
    b.textContent = text;
    if (hidden) {
      var span = document.createElement("span");
      span.className = "visually-hidden";
      span.textContent = hidden;
      b.appendChild(span);
    }
    return b;
  }

  function offer(form, key, draft) {
    var box = document.createElement("div");
    box.className = "alert alert-info draft-offer d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent =
      "Un brouillon non enregistré du " + frenchDate(draft.at) + " a été retrouvé.";
    var restore = button("Restaurer", " le brouillon", "btn btn-primary btn-sm");
    var ignore = button("Ignorer", " le brouillon", "btn btn-outline-dark btn-sm");
    restore.addEventListener("click", function () {
      fill(form, draft);
      unsaved[key] = true;
      box.remove();
      var first = fields(form)[0];
      if (first) first.focus(); // the restored text, ready to be read and saved
    });
    ignore.addEventListener("click", function () {
      forget(key);
      box.remove();
    });
    box.appendChild(text);
    box.appendChild(restore);
    box.appendChild(ignore);
    form.parentNode.insertBefore(box, form);
  }

  function say(form, kind, message) {
    clearMessage(form);
    var box = document.createElement("div");
    box.className =
      "alert py-2 small save-message " + (kind === "error" ? "alert-danger" : "alert-info");
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = message;
    form.parentNode.insertBefore(box, form);
    form._saveMessage = box;
  }

  function clearMessage(form) {
    if (form._saveMessage) {
      form._saveMessage.remove();
      form._saveMessage = null;
    }
  }

  function failure(status) {
    var kept = " Votre texte est conservé dans le formulaire (et en brouillon dans ce navigateur).";
    if (!status) {
      return (
        "Enregistrement impossible : le serveur ne répond pas (connexion perdue ?)." + kept +
        " Vérifiez votre connexion internet puis cliquez à nouveau sur « Enregistrer »."
      );
    }
    if (status === 403) {
      return (
        "Enregistrement refusé : votre session a peut-être expiré ou vous n'avez plus le droit " +
        "de modifier ce contenu." + kept +
        " Reconnectez-vous dans un autre onglet, puis cliquez à nouveau sur « Enregistrer »."
      );
    }
    if (status === 404 || status === 410) {
      return (
        "Enregistrement impossible : ce contenu n'existe plus (quelqu'un l'a peut-être " +
        "supprimé)." + kept + " Copiez votre texte avant de recharger la page."
      );
    }
    if (status === 413) {
      return "Enregistrement impossible : l'envoi est trop volumineux." + kept +
        " Réduisez le texte ou le fichier puis réessayez.";
    }
    if (status === 429) {
      return "Trop de demandes en peu de temps." + kept +
        " Patientez une minute puis cliquez à nouveau sur « Enregistrer ».";
    }
    if (status >= 500) {
      return (
        "Enregistrement impossible : erreur du serveur (code " + status + ")." + kept +
        " Réessayez dans quelques instants ; si l'erreur persiste, copiez votre texte et " +
        "signalez-la à l'équipe du portail."
      );
    }
    return "Enregistrement impossible (code " + status + ")." + kept +
      " Rechargez la page dans un autre onglet puis réessayez.";
  }

  function formOf(elt) {
    // The form of an event's element; after an outerHTML swap it may be detached already.
    if (!elt) return null;
    var form = elt.nodeName === "FORM" ? elt : elt.form || elt.closest("form");
    return editable(form, !document.contains(form)) ? form : null;
  }

  function savesTo(form, path) {
    var target = form.getAttribute("hx-post") || form.getAttribute("action") || "";
    return path && target && path.split("?")[0] === target.split("?")[0];
  }

  function setUp(root) {
    var forms = root.nodeName === "FORM" ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (!editable(form)) return;
      var key = formKey(form);
      if (!(key in baselines) || !unsaved[key]) baselines[key] = values(form);
    });
  }

  function offerDrafts() {
    if (!user) return;
    var pending = null;
    try {
      pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
      sessionStorage.removeItem(PENDING);
    } catch (e) {
      pending = null;
    }
    var nav = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
    if (pending && Date.now() - pending.at < 120000 && nav.redirectCount > 0 &&
        !(nav.responseStatus >= 400)) {
      // A full-page save answered by a redirect: the server took it.
      forget(pending.key);
    }
    Array.prototype.forEach.call(document.querySelectorAll("main form"), considerDraft);
  }

  function considerDraft(form) {
    if (!user || !editable(form)) return;
    var key = formKey(form);
    if (unsaved[key]) return;
    var draft = readDraft(key);
    if (!draft || !draft.values) return;
    if (same(draft.values, values(form))) {
      forget(key);
      return;
    }
    offer(form, key, draft);
  }

  function showsErrors(form) {
    return !!form.querySelector(".is-invalid, .invalid-feedback, .errorlist, .alert-danger");
  }

  document.addEventListener("input", function (event) {
    var form = formOf(event.target);
    if (form && fields(form).indexOf(event.target) !== -1) keepSoon(form);
  });
  document.addEventListener("change", function (event) {
    var form = formOf(event.target);
    if (form && fields(form).indexOf(event.target) !== -1) keepSoon(form);
  });

  document.addEventListener("submit", function (event) {
    var form = formOf(event.target);
    if (!form || form.hasAttribute("hx-post")) return;
    // A full-page submit: no warning while leaving; the draft is removed if the server
    // answers with a redirect (see offerDrafts), kept if it shows the form again.
    submitting = true;
    var key = formKey(form);
    if (unsaved[key]) keep(form);
    try {
      sessionStorage.setItem(PENDING, JSON.stringify({ key: key, at: Date.now() }));
    } catch (e) {
      // no session storage: the draft stays until the user ignores it
    }
    setTimeout(function () {
      submitting = false; // the submit was cancelled (validation, download…)
    }, 3000);
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    var pending = Array.prototype.some.call(document.querySelectorAll("main form"), function (f) {
      return editable(f) && unsaved[formKey(f)];
    });
    if (pending) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The form a request comes from, noted when it starts: once the answer has replaced it,
  // htmx names another element in the later events.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail || {};
    var form = formOf(detail.elt);
    if (form && detail.xhr) {
      detail.xhr.cptsForm = form;
      detail.xhr.cptsKey = formKey(form);
    }
  });

  function requestForm(detail) {
    return (detail && detail.xhr && detail.xhr.cptsForm) || formOf(detail && detail.elt);
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var form = requestForm(detail);
    var status = detail.xhr ? detail.xhr.status : 0;
    if (!form || !status || (status >= 400 && status !== 409 && status !== 422)) return;
    clearMessage(form);
    var path = detail.pathInfo && (detail.pathInfo.finalRequestPath || detail.pathInfo.requestPath);
    if (status < 300 && savesTo(form, path)) {
      var key = detail.xhr.cptsKey || formKey(form);
      forget(key);
      submittedKeys[key] = true;
    }
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var form = requestForm(event.detail);
    if (form) say(form, "error", failure(event.detail.xhr ? event.detail.xhr.status : 0));
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.body.addEventListener(name, function (event) {
      var form = requestForm(event.detail);
      if (form) say(form, "error", failure(0));
    });
  });

  document.body.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || !root.querySelectorAll) return;
    var forms = root.nodeName === "FORM" ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (!editable(form)) return;
      var key = formKey(form);
      var firstSeen = !(key in baselines);
      if (submittedKeys[key] && showsErrors(form)) {
        unsaved[key] = true; // answered 2xx but shown again with errors: not saved
      } else if (submittedKeys[key] || firstSeen) {
        baselines[key] = values(form);
      }
      delete submittedKeys[key];
      if (unsaved[key]) keep(form); // e.g. a 409 answer showing the user's text again
      else if (firstSeen) considerDraft(form); // a form opened in place (htmx)
    });
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    // Versions moved by another save of the page (missions.js): drafts follow them.
    Array.prototype.forEach.call(document.querySelectorAll("main form"), function (form) {
      if (editable(form) && unsaved[formKey(form)]) keep(form);
    });
  });

  setUp(document);
  offerDrafts();
})();
