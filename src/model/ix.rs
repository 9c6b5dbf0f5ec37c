//! Typed positions into the site's tables: a [`PledgeIx`] indexes `site.pledges` and nothing
//! else, so a pledge's position cannot be used to look up a report.
//!
//! Each is a `usize` underneath (it hashes like one, so fingerprints do not change) and is never
//! serialised; [`Ix::get`] gives the number where one is needed (a page number, an array index
//! in a view).
//!
//! ```
//! use duixian::model::{Pledge, PledgeIx};
//! fn first(pledges: &[Pledge]) -> &Pledge {
//!     &pledges[PledgeIx::new(0)]
//! }
//! ```
//!
//! A pledge's position does not index reports:
//!
//! ```compile_fail
//! use duixian::model::{PledgeIx, Report};
//! fn first(reports: &[Report]) -> &Report {
//!     &reports[PledgeIx::new(0)]
//! }
//! ```

use super::{Category, Indicator, Jurisdiction, News, Page, Pledge, Report};
use std::ops::{Index, IndexMut};

/// A typed position into one of the site's tables.
pub trait Ix: Copy + Ord + std::hash::Hash + std::fmt::Debug {
    /// The position `i` in its table.
    fn new(i: usize) -> Self;
    /// The position as a number.
    fn get(self) -> usize;
}

/// An item of one of the site's tables, with the type of its positions.
pub trait Item {
    type Ix: Ix;
}

macro_rules! ix {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(usize);

        impl $name {
            /// The position `i` in its table.
            pub const fn new(i: usize) -> Self {
                $name(i)
            }
            /// The position as a number.
            pub const fn get(self) -> usize {
                self.0
            }
        }

        impl Ix for $name {
            fn new(i: usize) -> Self {
                $name(i)
            }
            fn get(self) -> usize {
                self.0
            }
        }

        impl Item for $item {
            type Ix = $name;
        }

        impl Index<$name> for [$item] {
            type Output = $item;
            fn index(&self, i: $name) -> &$item {
                &self[i.0]
            }
        }

        impl IndexMut<$name> for [$item] {
            fn index_mut(&mut self, i: $name) -> &mut $item {
                &mut self[i.0]
            }
        }

        impl Index<$name> for Vec<$item> {
            type Output = $item;
            fn index(&self, i: $name) -> &$item {
                &self[i.0]
            }
        }

        impl IndexMut<$name> for Vec<$item> {
            fn index_mut(&mut self, i: $name) -> &mut $item {
                &mut self[i.0]
            }
        }
    };
}

ix!(
    /// A position in `Site::pledges`.
    PledgeIx => Pledge
);
ix!(
    /// A position in `Site::reports`.
    ReportIx => Report
);
ix!(
    /// A position in `Site::news`.
    NewsIx => News
);
ix!(
    /// A position in `Site::jurisdictions`.
    JurisdictionIx => Jurisdiction
);
ix!(
    /// A position in `Site::categories`.
    CategoryIx => Category
);
ix!(
    /// A position in `Site::indicators`.
    IndicatorIx => Indicator
);
ix!(
    /// A position in `Site::pages`.
    PageIx => Page
);

/// Every position of a table of `len` items, in order.
pub fn all<I: Ix>(len: usize) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator {
    (0..len).map(I::new)
}

/// [`slice::iter`] with each item's typed position.
pub trait IterIx<T: Item> {
    fn iter_ix<'a>(&'a self) -> impl DoubleEndedIterator<Item = (T::Ix, &'a T)> + ExactSizeIterator
    where
        T: 'a;
}

impl<T: Item> IterIx<T> for [T] {
    fn iter_ix<'a>(&'a self) -> impl DoubleEndedIterator<Item = (T::Ix, &'a T)> + ExactSizeIterator
    where
        T: 'a,
    {
        self.iter().enumerate().map(|(i, x)| (T::Ix::new(i), x))
    }
}

/// A table of one list per item of another table (pledges by category, reports by
/// jurisdiction …), indexed by the typed position of that item. It hashes like a `Vec<T>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PerIx<I, T> {
    lists: Vec<T>,
    of: std::marker::PhantomData<fn(I)>,
}

impl<I: Ix, T: Clone> PerIx<I, T> {
    /// `len` copies of `value`, one for each position of a table of `len` items.
    pub fn filled(len: usize, value: T) -> Self {
        PerIx {
            lists: vec![value; len],
            of: std::marker::PhantomData,
        }
    }
}

impl<I: Ix, T> PerIx<I, T> {
    pub fn len(&self) -> usize {
        self.lists.len()
    }
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }
    /// The lists in position order, as a slice (for rayon, or to zip with their table).
    pub fn as_slice(&self) -> &[T] {
        &self.lists
    }
    /// Each list, in position order.
    pub fn values(&self) -> std::slice::Iter<'_, T> {
        self.lists.iter()
    }
    /// Each list with the position it belongs to.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.lists.iter().enumerate().map(|(i, x)| (I::new(i), x))
    }
}

/// The lists in position order.
impl<I, T> From<Vec<T>> for PerIx<I, T> {
    fn from(lists: Vec<T>) -> Self {
        PerIx {
            lists,
            of: std::marker::PhantomData,
        }
    }
}

/// The lists in position order.
impl<I, T> FromIterator<T> for PerIx<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(lists: It) -> Self {
        PerIx {
            lists: lists.into_iter().collect(),
            of: std::marker::PhantomData,
        }
    }
}

/// The lists in position order.
impl<I, T> IntoIterator for PerIx<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.lists.into_iter()
    }
}

impl<I: Ix, T> Index<I> for PerIx<I, T> {
    type Output = T;
    fn index(&self, i: I) -> &T {
        &self.lists[i.get()]
    }
}

impl<I: Ix, T> IndexMut<I> for PerIx<I, T> {
    fn index_mut(&mut self, i: I) -> &mut T {
        &mut self.lists[i.get()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::types::CategoryId;

    fn category(id: &str) -> Category {
        Category {
            id: CategoryId::parse(id).expect("a valid id"),
            name: id.to_uppercase(),
            description: None,
        }
    }

    #[test]
    fn a_typed_position_indexes_its_own_table() {
        let mut cats = vec![category("a"), category("b"), category("c")];
        let b = CategoryIx::new(1);
        assert_eq!(b.get(), 1);
        assert_eq!(cats[b].name, "B");
        assert_eq!(cats.as_slice()[b].name, "B");
        cats[b].name = "Bee".into();
        assert_eq!(cats[1].name, "Bee");
    }

    #[test]
    fn iter_ix_and_all_give_the_positions_in_order() {
        let cats = [category("a"), category("b")];
        let seen: Vec<(CategoryIx, &str)> =
            cats.iter_ix().map(|(i, c)| (i, c.id.as_str())).collect();
        assert_eq!(seen, [(CategoryIx::new(0), "a"), (CategoryIx::new(1), "b")]);
        let all: Vec<CategoryIx> = all(3).collect();
        assert_eq!(all, [0, 1, 2].map(CategoryIx::new));
        assert_eq!(super::all::<PledgeIx>(0).count(), 0);
    }

    #[test]
    fn positions_order_and_hash_like_their_numbers() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let h = BuildHasherDefault::<rustc_hash::FxHasher>::default();
        assert_eq!(h.hash_one(PledgeIx::new(7)), h.hash_one(7usize));
        assert!(PledgeIx::new(2) < PledgeIx::new(10));
    }

    #[test]
    fn per_ix_holds_one_value_per_position() {
        let mut per: PerIx<JurisdictionIx, Vec<ReportIx>> = PerIx::filled(2, Vec::new());
        per[JurisdictionIx::new(1)].push(ReportIx::new(4));
        assert_eq!(per.len(), 2);
        let lists: Vec<(JurisdictionIx, usize)> = per.iter().map(|(j, l)| (j, l.len())).collect();
        assert_eq!(
            lists,
            [(JurisdictionIx::new(0), 0), (JurisdictionIx::new(1), 1)]
        );
    }
}
