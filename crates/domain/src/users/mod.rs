//! Users: accounts, roles and their scopes (三员分立), the password policy.

pub mod account;
pub mod password;
pub mod role;
