//! Chanjiao's domain: the types and rules of the programme, free of HTTP and SQL so they can be
//! tested fast and exhaustively. Values from outside are parsed into the newtypes here at the
//! edge ("parse, don't validate"); everything past the edge can trust them.

pub mod applications;
pub mod calls;
pub mod error;
pub mod organizations;
pub mod policy;
pub mod provinces;
pub mod review;
pub mod time;
pub mod users;
pub mod validate;

pub use error::FieldError;
