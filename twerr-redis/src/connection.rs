//! One connection type over a single Redis or a Redis Cluster (feature `cluster`): the
//! scripts and key reads go through [`ConnectionLike`] (a cluster connection routes each
//! by its keys' slot and follows `MOVED`/`ASK`); a scan of the whole key space goes to every
//! node that holds keys, one master at a time.

use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Client, Cmd, Pipeline, RedisFuture, RedisResult, Value};

/// Where the store connects: one server, or a cluster from its seed nodes.
#[derive(Clone)]
pub(crate) enum Connector {
    Single(Client),
    #[cfg(feature = "cluster")]
    Cluster(Box<redis::cluster::ClusterClient>),
}

/// A live connection, cheap to clone (both kinds multiplex one driver task).
#[derive(Clone)]
pub(crate) enum Connection {
    Single(MultiplexedConnection),
    #[cfg(feature = "cluster")]
    Cluster(redis::cluster_async::ClusterConnection),
}

/// A node whose keys a scan reads: the one server, or one master by address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Only,
    #[cfg(feature = "cluster")]
    Master {
        host: String,
        port: u16,
    },
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Only => f.write_str("the server"),
            #[cfg(feature = "cluster")]
            Node::Master { host, port } => write!(f, "{host}:{port}"),
        }
    }
}

impl Connector {
    pub(crate) async fn connect(&self, config: &AsyncConnectionConfig) -> RedisResult<Connection> {
        match self {
            Connector::Single(client) => client
                .get_multiplexed_async_connection_with_config(config)
                .await
                .map(Connection::Single),
            #[cfg(feature = "cluster")]
            Connector::Cluster(client) => {
                client.get_async_connection().await.map(Connection::Cluster)
            }
        }
    }
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(c) => c.req_packed_command(cmd),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(c) => c.req_packed_commands(pipeline, offset, count),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(c) => c.get_db(),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => c.get_db(),
        }
    }
}

impl Connection {
    /// The nodes that together hold every key: the server itself, or every master of the
    /// cluster (as the cluster reports them now).
    pub(crate) async fn nodes(&self) -> RedisResult<Vec<Node>> {
        match self {
            Connection::Single(_) => Ok(vec![Node::Only]),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => {
                use redis::cluster_routing::{MultipleNodeRoutingInfo, RoutingInfo};
                let mut c = c.clone();
                // Without a response policy the reply maps each master's address to its answer.
                let reply = c
                    .route_command(
                        redis::cmd("PING"),
                        RoutingInfo::MultiNode((MultipleNodeRoutingInfo::AllMasters, None)),
                    )
                    .await?;
                let Value::Map(answers) = reply else {
                    return Err(unexpected("the masters' addresses"));
                };
                let mut nodes = Vec::new();
                for (address, _) in answers {
                    let address: String = redis::from_redis_value(address)?;
                    let node = address
                        .rsplit_once(':')
                        .and_then(|(host, port)| {
                            Some(Node::Master {
                                host: host.to_owned(),
                                port: port.parse().ok()?,
                            })
                        })
                        .ok_or_else(|| unexpected("a master's address"))?;
                    nodes.push(node);
                }
                nodes.sort_by_key(ToString::to_string);
                Ok(nodes)
            }
        }
    }

    /// Runs `command` (a keyless one, like `SCAN`) on `node`.
    pub(crate) async fn query_on<T: redis::FromRedisValue>(
        &self,
        node: &Node,
        command: &Cmd,
    ) -> RedisResult<T> {
        match (self, node) {
            (Connection::Single(c), _) => command.query_async(&mut c.clone()).await,
            #[cfg(feature = "cluster")]
            (Connection::Cluster(c), Node::Master { host, port }) => {
                use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
                let routing = SingleNodeRoutingInfo::ByAddress {
                    host: host.clone(),
                    port: *port,
                };
                let value = c
                    .clone()
                    .route_command(command.clone(), RoutingInfo::SingleNode(routing))
                    .await?;
                Ok(redis::from_redis_value(value)?)
            }
            #[cfg(feature = "cluster")]
            (Connection::Cluster(_), Node::Only) => Err(unexpected("a master's address")),
        }
    }

    /// Runs `pipeline` on `node`: the keys it names must live there (they came from a scan
    /// of that node).
    pub(crate) async fn pipeline_on<T: redis::FromRedisValue>(
        &self,
        node: &Node,
        pipeline: &Pipeline,
    ) -> RedisResult<T> {
        match (self, node) {
            (Connection::Single(c), _) => pipeline.query_async(&mut c.clone()).await,
            #[cfg(feature = "cluster")]
            (Connection::Cluster(c), Node::Master { host, port }) => {
                use redis::cluster_routing::SingleNodeRoutingInfo;
                let routing = SingleNodeRoutingInfo::ByAddress {
                    host: host.clone(),
                    port: *port,
                };
                let values = c
                    .clone()
                    .route_pipeline(pipeline.clone(), 0, pipeline.len(), routing)
                    .await?;
                Ok(redis::from_redis_value(Value::Array(values))?)
            }
            #[cfg(feature = "cluster")]
            (Connection::Cluster(_), Node::Only) => Err(unexpected("a master's address")),
        }
    }
}

#[cfg(feature = "cluster")]
fn unexpected(what: &'static str) -> redis::RedisError {
    redis::RedisError::from((
        redis::ErrorKind::Client,
        "the cluster's reply did not hold",
        what.to_owned(),
    ))
}
