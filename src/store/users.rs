//! Owner of the `users` table.

use rusqlite::{params, OptionalExtension, Row};

use super::audit::{append_on, Action, NewEntry};
use super::{now_timestamp, Store};
use crate::access::{Actor, Profile, User};
use crate::error::{Result, UserError};

impl Store {
    /// Adds a user (audited as done by `actor`); refuses a username that exists.
    pub fn add_user(&mut self, actor: &Actor, user: &User, password_hash: Option<&str>) -> Result<()> {
        let tx = super::immediate(&mut self.conn)?;
        let inserted = tx.execute(
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
        let details = format!(
            "user {} added: {}, institutions {}",
            user.username,
            user.profile.code(),
            user.institutions.join(",")
        );
        audit_user_change(&tx, actor, Action::UserAdd, details)?;
        tx.commit()?;
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

    /// Disables (or enables again) a user, audited as done by `actor`.
    pub fn set_user_disabled(&mut self, actor: &Actor, username: &str, disabled: bool) -> Result<()> {
        let what = if disabled { "disabled" } else { "enabled" };
        self.change_user(actor, username, "disabled", &disabled, what)
    }

    /// Sets a user's password hash, audited as done by `actor`.
    pub fn set_user_password(&mut self, actor: &Actor, username: &str, password_hash: &str) -> Result<()> {
        self.change_user(actor, username, "password_hash", &password_hash, "password set")
    }

    fn change_user(
        &mut self,
        actor: &Actor,
        username: &str,
        column: &str,
        value: &dyn rusqlite::ToSql,
        what: &str,
    ) -> Result<()> {
        let tx = super::immediate(&mut self.conn)?;
        let n = tx.execute(
            &format!("UPDATE users SET {column} = ?2 WHERE username = ?1"),
            params![username, value],
        )?;
        if n == 0 {
            return Err(UserError::UnknownUser(username.to_string()).into());
        }
        audit_user_change(&tx, actor, Action::UserChange, format!("user {username}: {what}"))?;
        tx.commit()?;
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

fn audit_user_change(
    conn: &rusqlite::Connection,
    actor: &Actor,
    action: Action,
    details: String,
) -> rusqlite::Result<i64> {
    append_on(
        conn,
        actor,
        action,
        &NewEntry {
            details: Some(details),
            ..NewEntry::default()
        },
    )
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
