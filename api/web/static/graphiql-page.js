// tracegraph's GraphiQL: opens on the example tabs the page carries (api/web/examples/), and sends its requests to
// the address the page came from (so a reverse proxy's path prefix is kept).
(function () {
  "use strict";
  var tabs = JSON.parse(document.getElementById("tracegraph-examples").textContent);
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var logo = React.createElement(GraphiQL.Logo, null, "tracegraph");
  var ide = React.createElement(
    GraphiQL,
    {
      fetcher: fetcher,
      defaultTabs: tabs,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      // The headers pane open: that is where a token goes (see the examples' first lines).
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      // A token is not kept in the browser's storage, on shared machines too.
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    },
    logo,
  );
  ReactDOM.createRoot(document.getElementById("graphiql")).render(ide);
})();
