//! Users: accounts, roles and their scopes (三员分立), the password policy, contact details.

pub mod account;
pub mod contact;
pub mod password;
pub mod role;
