//! A router that remembers the method and path of every route it is given. Axum cannot
//! list a router's routes, so every route of the server is added through a
//! [`ListedRouter`]: the list it keeps is the router's own, and a test compares it with
//! the OpenAPI document (every JSON route described, nothing described that is not
//! routed). HTML pages are listed as such and stay out of the document.

use axum::handler::Handler;
use axum::routing::{self, MethodRouter};
use axum::Router;

/// The methods the server routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// Lower case, as OpenAPI path items name them.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Delete => "delete",
        }
    }
}

/// What a route answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// JSON (or an export file): described in `/api/v1/openapi.json`.
    Api,
    /// An HTML page or form of the web UI (docs/server.md describes them).
    Page,
}

/// One routed method and path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub kind: Kind,
    pub method: Method,
    /// Axum's syntax, which is OpenAPI's: `/cases/{id}`.
    pub path: String,
}

/// A [`Router`] with the list of its routes.
pub struct ListedRouter<S> {
    router: Router<S>,
    routes: Vec<Route>,
    kind: Kind,
}

impl<S: Clone + Send + Sync + 'static> ListedRouter<S> {
    /// Routes answering JSON.
    pub fn api() -> Self {
        ListedRouter {
            router: Router::new(),
            routes: Vec::new(),
            kind: Kind::Api,
        }
    }

    /// Routes answering HTML pages.
    pub fn pages() -> Self {
        ListedRouter {
            kind: Kind::Page,
            ..Self::api()
        }
    }

    fn add(mut self, method: Method, path: &str, route: MethodRouter<S>) -> Self {
        self.routes.push(Route {
            kind: self.kind,
            method,
            path: path.to_string(),
        });
        // Axum joins the methods of one path given in several calls.
        self.router = self.router.route(path, route);
        self
    }

    pub fn get<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::Get, path, routing::get(handler))
    }

    pub fn post<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::Post, path, routing::post(handler))
    }

    pub fn put<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::Put, path, routing::put(handler))
    }

    pub fn delete<H: Handler<T, S>, T: 'static>(self, path: &str, handler: H) -> Self {
        self.add(Method::Delete, path, routing::delete(handler))
    }

    /// Mounts `inner` under `prefix`.
    pub fn nest(mut self, prefix: &str, inner: ListedRouter<S>) -> Self {
        self.routes
            .extend(inner.routes.into_iter().map(|route| Route {
                path: format!("{prefix}{}", route.path),
                ..route
            }));
        self.router = self.router.nest(prefix, inner.router);
        self
    }

    pub fn merge(mut self, other: ListedRouter<S>) -> Self {
        self.routes.extend(other.routes);
        self.router = self.router.merge(other.router);
        self
    }

    /// Applies what adds no route: layers, fallbacks.
    pub fn map(mut self, wrap: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = wrap(self.router);
        self
    }

    /// Applies the state; the list goes along.
    pub fn with_state<S2: Clone + Send + Sync + 'static>(self, state: S) -> ListedRouter<S2> {
        ListedRouter {
            router: self.router.with_state(state),
            routes: self.routes,
            kind: self.kind,
        }
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    pub fn into_parts(self) -> (Router<S>, Vec<Route>) {
        (self.router, self.routes)
    }
}
