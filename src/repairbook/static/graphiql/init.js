// Starts GraphiQL against this server. Kept out of the HTML so the page runs under a CSP
// without 'unsafe-inline' scripts. Put `{"Authorization": "Bearer <accessToken>"}` in the
// Headers tab; subscriptions send the same headers in connection_init.
(function () {
  "use strict";
  var EXAMPLE = [
    "# repairbook GraphQL explorer.",
    "# Register or log in, then copy accessToken into the Headers tab:",
    '#   {"Authorization": "Bearer <accessToken>"}',
    "",
    "query Catalog {",
    "  carModels { id name imageUrl priceCoefficient engine { code oil { brand viscosity } } }",
    "  receptionists { id fullName }",
    "}",
    "",
  ].join("\n");

  var url = window.location.origin + window.location.pathname;
  var wsUrl = url.replace(/^http/, "ws");
  // A document to start with may come in the fragment: /graphql#query=… (a `?query=` in the
  // URL is an API call, answered with JSON, not this page).
  var params = new URLSearchParams(window.location.hash.slice(1));

  var fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: wsUrl,
    wsConnectionParams: function () {
      try {
        return JSON.parse(localStorage.getItem("graphiql:headers") || "{}");
      } catch (e) {
        return {};
      }
    },
  });

  function App() {
    var explorer = GraphiQLPluginExplorer.explorerPlugin();
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: params.get("query") || EXAMPLE,
      plugins: [explorer],
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
