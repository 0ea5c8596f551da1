//! Streams over paged results: one implementation per paging kind, the
//! per-endpoint facts (which parameter, which fields) generated from the
//! spec's `paging:` key.
//!
//! Offset paging (`ofs`: ledgers, closed orders, trade history) walks a list
//! Kraken sorts newest first. Entries that arrive while the stream runs are
//! inserted at the front, which pushes older ones to later offsets: the next
//! page then starts with entries already yielded. The stream remembers the
//! ids it has yielded and skips them, and since history never loses entries,
//! nothing is skipped. New entries that arrive after the stream started are
//! not promised (start another stream, or filter by `start`).
//!
//! Every page is a normal call: paced (ledgers and trade history cost 2 per
//! page), retried as reads are, within its own deadline.

use crate::endpoint::{Call, Endpoint};
use crate::{Error, MapKey, SpotClient};
use futures_core::Stream;
use std::collections::{HashSet, VecDeque};

/// Where a paged call reads next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Position {
    /// The call as built.
    Start,
    /// An offset into the whole list (`ofs`).
    Offset(i64),
    /// A cursor from the previous page.
    Cursor(String),
    /// Kraken's `last` from the previous page, passed back as `since`.
    Since(u64),
}

/// One page of a paged result, as the generated code splits it.
#[derive(Debug)]
pub struct Page<T> {
    items: Vec<T>,
    /// For offset paging: each item's id, to skip repeats.
    ids: Vec<MapKey>,
    next: Next,
}

#[derive(Debug)]
enum Next {
    Offset { total: Option<i64> },
    Cursor(Option<String>),
    Since(u64),
}

impl<V> Page<(MapKey, V)> {
    /// A page of an id-keyed map, with the total number of matches if known.
    pub fn offset(entries: crate::Map<V>, total: impl Into<Option<i64>>) -> Self {
        let ids = entries.keys().cloned().collect();
        Page {
            items: entries.into_iter().collect(),
            ids,
            next: Next::Offset {
                total: total.into(),
            },
        }
    }
}

impl<T> Page<T> {
    /// A page of items and the cursor of the next page (none on the last).
    pub fn cursor(items: Vec<T>, next: impl Into<Option<String>>) -> Self {
        Page {
            items,
            ids: Vec::new(),
            next: Next::Cursor(next.into().filter(|c| !c.is_empty())),
        }
    }

    /// A page of items and Kraken's `last`.
    pub fn since(items: Vec<T>, last: u64) -> Self {
        Page {
            items,
            ids: Vec::new(),
            next: Next::Since(last),
        }
    }
}

/// A page's list field, required (`Vec<T>`) or optional (`Option<Vec<T>>`,
/// absent on an empty page), as the items of a [`Page`].
pub(crate) trait PageItems<T> {
    fn into_items(self) -> Vec<T>;
}

impl<T> PageItems<T> for Vec<T> {
    fn into_items(self) -> Vec<T> {
        self
    }
}

impl<T> PageItems<T> for Option<Vec<T>> {
    fn into_items(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

/// An endpoint whose results come in pages. Implemented by the generated
/// request types that the spec marks with `paging:`; not meant to be
/// implemented elsewhere.
pub trait Paged: Endpoint + Clone + 'static {
    /// One item of the stream (`(id, entry)` for id-keyed results).
    type Item: Send + 'static;
    /// Where the call as built starts.
    fn start(&self) -> Position;
    /// Moves the request to `at`.
    fn set_position(&mut self, at: &Position);
    /// Splits a response into its items and where the next page is.
    fn into_page(response: Self::Response) -> Page<Self::Item>;
}

struct Walk<E: Paged> {
    client: SpotClient,
    request: E,
    options: crate::CallOptions,
    at: Position,
    buffer: VecDeque<E::Item>,
    seen: HashSet<MapKey>,
    done: bool,
}

impl<E: Paged> Walk<E> {
    /// Fetches the page at `self.at` into the buffer and moves on.
    async fn fetch(&mut self) -> Result<(), Error> {
        let mut request = self.request.clone();
        request.set_position(&self.at);
        let response = self.client.send_with(request, self.options.clone()).await?;
        let page = E::into_page(response);
        let fetched = page.items.len();
        match (page.next, &self.at) {
            (Next::Offset { total }, at) => {
                let from = match at {
                    Position::Offset(n) => *n,
                    _ => 0,
                };
                let to = from + fetched as i64;
                self.done = fetched == 0 || total.is_some_and(|t| to >= t);
                self.at = Position::Offset(to);
                for (id, item) in page.ids.into_iter().zip(page.items) {
                    if self.seen.insert(id) {
                        self.buffer.push_back(item);
                    }
                }
                return Ok(());
            }
            (Next::Cursor(next), _) => {
                self.done = next.is_none() || fetched == 0;
                if let Some(next) = next {
                    self.at = Position::Cursor(next);
                }
            }
            (Next::Since(last), at) => {
                self.done = fetched == 0 || *at == Position::Since(last);
                self.at = Position::Since(last);
            }
        }
        self.buffer.extend(page.items);
        Ok(())
    }
}

impl<E: Paged> Call<E> {
    /// Every item of every page, fetched as the stream is read, until the
    /// last page. Each page is a call of its own (paced and retried); an
    /// error ends the stream after it is yielded.
    ///
    /// ```no_run
    /// # async fn run(client: kraken_spot::SpotClient) -> Result<(), kraken_spot::Error> {
    /// use futures_util::TryStreamExt as _;
    /// let mut ledger = std::pin::pin!(client.get_ledgers_info().asset("XBT").stream());
    /// while let Some((id, entry)) = ledger.try_next().await? {
    ///     println!("{id} {:?} {:?}", entry.amount, entry.balance);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static {
        let (request, options) = (self.request, self.options);
        let walk = Walk {
            at: request.start(),
            client: self.client,
            request,
            options,
            buffer: VecDeque::new(),
            seen: HashSet::new(),
            done: false,
        };
        futures_util::stream::unfold(walk, |mut walk| async move {
            loop {
                if let Some(item) = walk.buffer.pop_front() {
                    return Some((Ok(item), walk));
                }
                if walk.done {
                    return None;
                }
                if let Err(e) = walk.fetch().await {
                    walk.done = true;
                    return Some((Err(e), walk));
                }
            }
        })
    }
}
