// The look-up button of the edit dialogs (list Flume sensors, VoiceMonkey devices, Tibber homes,
// energyLIVE devices; check a Flume account; test an InfluxDB connection), written once.
// Node-RED serves this folder at resources/@meterflow/node-red/; each dialog's HTML loads it with
// <script src="resources/@meterflow/node-red/lookup.js"></script> and calls, in oneditprepare:
//
//   window.meterflowLookup({
//     button: "#node-input-x-lookup",   // the button; disabled while the look-up runs
//     note: "#node-input-x-note",       // where "asking…", "none found" and the route's short reason show
//     url: "x/devices",                 // the admin route (relative), or a function returning it
//     collect: () => body,              // the JSON body; a string instead is shown and nothing is sent
//     loading: "asking…",
//     render: (answer) => entries,      // [{value, label}] for the picker, or a text for the note
//     picker,                           // optional: window.meterflowLookup.picker({...})
//     none: "nothing found",            // shown when render returns no entries
//   });
//
// The routes take POSTed JSON only and answer {error: "<short reason>"} on failure. A secret field the
// user did not retype holds Node-RED's placeholder; the route then uses the stored secret, but only at
// the stored URL, and otherwise asks for the secret to be typed again: that reason is shown as it is.
(function () {
  "use strict";
  if (window.meterflowLookup) return;

  var ERROR_COLOR = "var(--red-ui-text-color-error, #d6615f)";

  // An answer names its text's catalog key beside the English: the editor says it in its own language.
  function said(english, key, vars) {
    var text = key ? RED._(key, vars || {}) : "";
    return text && text !== key ? text : english;
  }

  function reasonOf(xhr) {
    var body = xhr.responseJSON || {};
    return said(body.error, body.errorKey, body.errorVars) || xhr.statusText || "look-up failed";
  }
  window.meterflowSaid = said;

  function show(note, text, isError) {
    note
      .text(text || "")
      .toggleClass("meterflow-lookup-error", !!isError)
      .css("color", isError ? ERROR_COLOR : "");
  }

  function lookup(options) {
    var button = $(options.button);
    var note = $(options.note);
    var picker = options.picker;
    button.on("click", function (e) {
      e.preventDefault();
      if (button.prop("disabled")) return;
      var body = options.collect();
      if (typeof body === "string") {
        show(note, body, false);
        return;
      }
      var url = typeof options.url === "function" ? options.url() : options.url;
      if (picker) picker.clear();
      show(note, options.loading, false);
      button.prop("disabled", true).addClass("disabled");
      $.ajax({
        url: url,
        method: "POST",
        contentType: "application/json",
        dataType: "json",
        data: JSON.stringify(body),
      })
        .done(function (answer) {
          var result = options.render(answer || {});
          if (!Array.isArray(result)) {
            show(note, result, false);
          } else if (result.length === 0) {
            show(note, options.none, false);
          } else {
            show(note, "", false);
            if (picker) picker.fill(result);
          }
        })
        .fail(function (xhr) {
          show(note, reasonOf(xhr), true);
        })
        .always(function () {
          button.prop("disabled", false).removeClass("disabled");
        });
    });
  }

  // One dropdown for every "pick what was found" field: a <select> filled with the entries, hidden until
  // there are some, writing the chosen value into the plain text input that stays for typing an id. When
  // that input is a TypedInput (the home or device may come from msg), the pick sets it to text.
  lookup.picker = function (options) {
    var select = $(options.select);
    var input = $(options.input);
    select.hide().empty();
    select.on("change", function () {
      var value = select.val();
      if (!value) return;
      try {
        input.typedInput("type", "str");
        input.typedInput("value", value);
      } catch (e) {
        input.val(value).trigger("change"); // a plain input: jQuery UI refuses methods of a widget it has not
      }
    });
    return {
      clear: function () {
        select.hide().empty();
      },
      fill: function (entries) {
        var prompt = typeof options.prompt === "function" ? options.prompt(entries) : options.prompt;
        var current = String(input.val() || "").trim();
        select.empty().append($('<option value="">').text(prompt || ""));
        entries.forEach(function (entry) {
          select.append($("<option>").val(entry.value).text(entry.label));
        });
        select.val(
          entries.some(function (entry) {
            return entry.value === current;
          })
            ? current
            : "",
        );
        select.show();
      },
    };
  };

  // The body of a look-up through an account config node chosen in a node's dialog: its settings and the
  // secrets typed into its dialog when it is not deployed yet, otherwise the placeholder, which makes the
  // route use the stored ones. Nothing secret comes back. A text (nothing sent) when no account is chosen.
  lookup.fromAccount = function (configId, settings, secrets, noAccount) {
    var config = configId && configId !== "_ADD_" && RED.nodes.node(configId);
    if (!config) return noAccount;
    var creds = config.credentials || {};
    var body = {};
    settings.forEach(function (name) {
      body[name] = config[name] || "";
    });
    secrets.forEach(function (name) {
      body[name] = creds[name] && creds[name] !== "__PWRD__" ? creds[name] : "__PWRD__";
    });
    return body;
  };

  window.meterflowLookup = lookup;
})();
