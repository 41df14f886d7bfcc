//! A line item, read in place: [`Line`] and its [`Money`] value.

use super::List;
use crate::wire::layout::line as n;
use crate::wire::{Element, Reader};
use crate::{ControlCode, Country, HsCode};
use rust_decimal::Decimal;
use std::fmt;

/// One line item.
#[derive(Clone, Copy)]
pub struct Line<'s> {
    reader: Reader<'s>,
    at: usize,
}

impl<'s> Line<'s> {
    /// The line number, unique within the shipment (the number findings cite).
    pub fn number(&self) -> u32 {
        self.reader.u32(self.at + n::NUMBER)
    }

    /// What the goods are.
    pub fn description(&self) -> &'s str {
        self.reader.str(self.at + n::DESCRIPTION)
    }

    /// The HS code.
    pub fn hs_code(&self) -> HsCode {
        self.reader
            .hs_code(self.at + n::HS_DIGITS, self.at + n::HS_LEN)
    }

    /// Control-list classifications, as given and classified.
    pub fn control_codes(&self) -> List<'s, ControlCode> {
        List::at(self.reader, self.at + n::CONTROL_CODES)
    }

    /// Country the goods were made in.
    pub fn origin_country(&self) -> Option<Country> {
        self.reader.opt_country(self.at + n::ORIGIN)
    }

    /// Quantity, > 0.
    pub fn quantity(&self) -> Decimal {
        self.reader.decimal(self.at + n::QUANTITY)
    }

    /// Unit of quantity.
    pub fn unit(&self) -> Option<&'s str> {
        self.reader.opt_str(self.at + n::UNIT)
    }

    /// Value of the line.
    pub fn value(&self) -> Money<'s> {
        Money {
            amount: self.reader.decimal(self.at + n::AMOUNT),
            currency: self.reader.str(self.at + n::CURRENCY),
        }
    }

    /// Share of US-origin content in percent, 0–100.
    pub fn us_content_percent(&self) -> Option<Decimal> {
        (self.reader.u8(self.at + n::FLAGS) & n::HAS_US_CONTENT != 0)
            .then(|| self.reader.decimal(self.at + n::US_CONTENT))
    }

    /// Whether any control code is a military item (see [`ControlCode::is_military`]).
    pub fn is_military(&self) -> bool {
        self.control_codes().any(|c| c.is_military())
    }

    /// Whether any control code is a dual-use entry (see [`ControlCode::is_dual_use`]).
    pub fn is_dual_use(&self) -> bool {
        self.control_codes().any(|c| c.is_dual_use())
    }
}

impl<'s> Element<'s> for Line<'s> {
    const SIZE: usize = n::SIZE;
    fn read(reader: Reader<'s>, at: usize) -> Line<'s> {
        Line { reader, at }
    }
}

impl fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("number", &self.number())
            .field("description", &self.description())
            .field("hs_code", &self.hs_code())
            .field("control_codes", &self.control_codes())
            .field("origin_country", &self.origin_country())
            .field("quantity", &self.quantity())
            .field("unit", &self.unit())
            .field("value", &self.value())
            .field("us_content_percent", &self.us_content_percent())
            .finish()
    }
}

/// Lines are equal when every field is.
impl PartialEq for Line<'_> {
    fn eq(&self, other: &Line<'_>) -> bool {
        self.number() == other.number()
            && self.description() == other.description()
            && self.hs_code() == other.hs_code()
            && self.control_codes().eq(other.control_codes())
            && self.origin_country() == other.origin_country()
            && self.quantity() == other.quantity()
            && self.unit() == other.unit()
            && self.value() == other.value()
            && self.us_content_percent() == other.us_content_percent()
    }
}

/// An amount of money.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Money<'s> {
    amount: Decimal,
    currency: &'s str,
}

impl<'s> Money<'s> {
    /// The amount, ≥ 0, exact.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// ISO 4217 currency code, upper-case.
    pub fn currency(&self) -> &'s str {
        self.currency
    }
}
