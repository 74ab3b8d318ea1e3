//! GraphiQL served from assets compiled into the binary (React 18, GraphiQL 4, from the npm
//! registry; see `api/assets/graphiql/LICENSES.txt`), so it works on an air-gapped network.
//! The page reads `#token=…&company=…` from its address and puts them into the request headers.

use poem::http::StatusCode;
use poem::web::{Html, Path};
use poem::{Response, handler};

const REACT: &[u8] = include_bytes!("../assets/graphiql/react.production.min.js");
const REACT_DOM: &[u8] = include_bytes!("../assets/graphiql/react-dom.production.min.js");
const GRAPHIQL_JS: &[u8] = include_bytes!("../assets/graphiql/graphiql.min.js");
const GRAPHIQL_CSS: &[u8] = include_bytes!("../assets/graphiql/graphiql.min.css");

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mercator GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script>
  const params = new URLSearchParams(window.location.hash.slice(1));
  if (params.get('token')) localStorage.setItem('mercator:token', params.get('token'));
  if (params.get('company')) localStorage.setItem('mercator:company', params.get('company'));
  const token = localStorage.getItem('mercator:token');
  const company = localStorage.getItem('mercator:company');
  const headers = {};
  if (token) headers['Authorization'] = 'Bearer ' + token;
  if (company) headers['X-Mercator-Company'] = company;
  const defaultQuery = `# Welcome to Mercator. Your token is already in the headers below.
{
  viewer { tokenName roles company { code name } }
  customers(first: 5) {
    totalCount
    nodes { accountNumber name creditLimit { amount currency } contacts { name email } }
  }
}
`;
  // Static headers on the fetcher too, so the schema introspection GraphiQL runs at load carries them.
  const fetcher = GraphiQL.createFetcher({ url: '/graphql', headers });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      defaultHeaders: JSON.stringify(headers, null, 2),
      shouldPersistHeaders: true,
    }),
  );
</script>
</body>
</html>
"#;

/// The GraphiQL page.
pub fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// One embedded asset.
#[handler]
pub fn asset(Path(file): Path<String>) -> Response {
    let (body, ct) = match file.as_str() {
        "react.production.min.js" => (REACT, "application/javascript"),
        "react-dom.production.min.js" => (REACT_DOM, "application/javascript"),
        "graphiql.min.js" => (GRAPHIQL_JS, "application/javascript"),
        "graphiql.min.css" => (GRAPHIQL_CSS, "text/css"),
        _ => {
            return Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body("not found");
        }
    };
    Response::builder()
        .content_type(ct)
        .header("cache-control", "public, max-age=86400")
        .body(body)
}
