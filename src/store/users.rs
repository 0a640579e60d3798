//! Owner of the `users` table.

use rusqlite::{params, OptionalExtension, Row};

use super::{now_timestamp, Store};
use crate::access::{Profile, User};
use crate::error::{Result, UserError};

impl Store {
    /// Adds a user; refuses a username that exists.
    pub fn add_user(&self, user: &User, password_hash: Option<&str>) -> Result<()> {
        let inserted = self.conn.execute(
            "INSERT INTO users (username, full_name, profile, institutions, password_hash, disabled, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (username) DO NOTHING",
            params![
                user.username,
                user.full_name,
                user.profile.code(),
                user.institutions.join(","),
                password_hash,
                now_timestamp()
            ],
        )?;
        if inserted == 0 {
            return Err(UserError::Settings(format!("the user {} already exists", user.username)).into());
        }
        Ok(())
    }

    /// The user with this username.
    pub fn user(&self, username: &str) -> Result<Option<User>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT username, full_name, profile, institutions, disabled FROM users WHERE username = ?1",
        )?;
        Ok(stmt.query_row([username], user_from_row).optional()?)
    }

    /// Every user, by username.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT username, full_name, profile, institutions, disabled FROM users ORDER BY username",
        )?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Disables (or enables again) a user.
    pub fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE users SET disabled = ?2 WHERE username = ?1",
            params![username, disabled],
        )?;
        if n == 0 {
            return Err(UserError::UnknownUser(username.to_string()).into());
        }
        Ok(())
    }

    /// Sets a user's password hash.
    pub fn set_user_password(&self, username: &str, password_hash: &str) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE users SET password_hash = ?2 WHERE username = ?1",
            params![username, password_hash],
        )?;
        if n == 0 {
            return Err(UserError::UnknownUser(username.to_string()).into());
        }
        Ok(())
    }

    /// A user's password hash (PHC string), if one is set.
    pub fn user_password_hash(&self, username: &str) -> Result<Option<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT password_hash FROM users WHERE username = ?1")?;
        Ok(stmt.query_row([username], |row| row.get(0)).optional()?.flatten())
    }
}

fn user_from_row(row: &Row) -> rusqlite::Result<User> {
    let profile: String = row.get(2)?;
    let institutions: String = row.get(3)?;
    Ok(User {
        username: row.get(0)?,
        full_name: row.get(1)?,
        profile: Profile::parse(&profile).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                Box::new(std::io::Error::other(format!("unknown profile {profile}"))),
            )
        })?,
        institutions: institutions
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        disabled: row.get(4)?,
    })
}
