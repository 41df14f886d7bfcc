//! [`List`]: a table of the shipment (its lines, licences, parties, countries),
//! read element by element where it lies.

use crate::wire::{Element, Reader};
use std::fmt;
use std::marker::PhantomData;

/// The elements of one table of a shipment: an iterator that also answers what a
/// slice would (`len`, `is_empty`, `get`, `first`, `last`, `contains`).
///
/// ```
/// # use exportctl_sdk::Shipment;
/// fn numbers(shipment: &Shipment) -> Vec<u32> {
///     shipment.lines().map(|line| line.number()).collect()
/// }
/// fn first_description<'s>(shipment: &'s Shipment) -> Option<&'s str> {
///     shipment.lines().first().map(|line| line.description())
/// }
/// ```
pub struct List<'s, T> {
    reader: Reader<'s>,
    start: usize,
    front: usize,
    back: usize,
    element: PhantomData<T>,
}

impl<'s, T: Element<'s>> List<'s, T> {
    pub(crate) fn new(reader: Reader<'s>, start: usize, count: usize) -> List<'s, T> {
        List {
            reader,
            start,
            front: 0,
            back: count,
            element: PhantomData,
        }
    }

    /// The table at `at` (a table reference in the buffer).
    pub(crate) fn at(reader: Reader<'s>, at: usize) -> List<'s, T> {
        let (start, count) = reader.table(at);
        List::new(reader, start, count)
    }

    /// The same elements, from the start again (as `slice.iter()` would).
    pub fn iter(&self) -> List<'s, T> {
        List {
            reader: self.reader,
            start: self.start,
            front: self.front,
            back: self.back,
            element: PhantomData,
        }
    }

    /// How many elements are left.
    pub fn len(&self) -> usize {
        self.back - self.front
    }

    /// Whether no element is left.
    pub fn is_empty(&self) -> bool {
        self.front == self.back
    }

    /// The element at `index` (counted from the first one left), if there is one.
    pub fn get(&self, index: usize) -> Option<T> {
        (index < self.len())
            .then(|| T::read(self.reader, self.start + (self.front + index) * T::SIZE))
    }

    /// The first element.
    pub fn first(&self) -> Option<T> {
        self.get(0)
    }

    /// The last element.
    pub fn last(&self) -> Option<T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Whether an element equals `value`.
    pub fn contains(&self, value: &T) -> bool
    where
        T: PartialEq,
    {
        self.iter().any(|element| element == *value)
    }
}

impl<'s, T: Element<'s>> Iterator for List<'s, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let element = self.get(0)?;
        self.front += 1;
        Some(element)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.len(), Some(self.len()))
    }

    fn nth(&mut self, n: usize) -> Option<T> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl<'s, T: Element<'s>> DoubleEndedIterator for List<'s, T> {
    fn next_back(&mut self) -> Option<T> {
        let element = self.last()?;
        self.back -= 1;
        Some(element)
    }
}

/// `for line in &shipment.lines()` reads as it would over a slice.
impl<'s, T: Element<'s>> IntoIterator for &List<'s, T> {
    type Item = T;
    type IntoIter = List<'s, T>;

    fn into_iter(self) -> List<'s, T> {
        self.iter()
    }
}

impl<'s, T: Element<'s>> ExactSizeIterator for List<'s, T> {}

impl<'s, T: Element<'s>> std::iter::FusedIterator for List<'s, T> {}

impl<'s, T: Element<'s>> Clone for List<'s, T> {
    fn clone(&self) -> List<'s, T> {
        self.iter()
    }
}

impl<'s, T: Element<'s> + fmt::Debug> fmt::Debug for List<'s, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'s, T: Element<'s> + PartialEq> PartialEq for List<'s, T> {
    fn eq(&self, other: &List<'s, T>) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'s> Element<'s> for &'s str {
    const SIZE: usize = crate::wire::layout::STR;
    fn read(reader: Reader<'s>, at: usize) -> &'s str {
        reader.str(at)
    }
}

impl<'s> Element<'s> for crate::Country {
    const SIZE: usize = 2;
    fn read(reader: Reader<'s>, at: usize) -> crate::Country {
        reader.country(at)
    }
}

impl<'s> Element<'s> for u32 {
    const SIZE: usize = 4;
    fn read(reader: Reader<'s>, at: usize) -> u32 {
        reader.u32(at)
    }
}

/// A registry identifier of a party: key (`bin`, `inn`, `vat`, …) and value.
impl<'s> Element<'s> for (&'s str, &'s str) {
    const SIZE: usize = crate::wire::layout::party::ID_SIZE;
    fn read(reader: Reader<'s>, at: usize) -> (&'s str, &'s str) {
        (reader.str(at), reader.str(at + crate::wire::layout::STR))
    }
}

impl<'s> Element<'s> for crate::ControlCode {
    const SIZE: usize = crate::wire::layout::STR;
    fn read(reader: Reader<'s>, at: usize) -> crate::ControlCode {
        crate::ControlCode::parse(reader.str(at))
    }
}
