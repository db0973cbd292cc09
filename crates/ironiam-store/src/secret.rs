//! Secrets at rest: the master key, encrypted secret access keys and MFA
//! seeds, password hashes.
//!
//! # Secret access keys
//! Each secret is sealed with XChaCha20-Poly1305 (RustCrypto's
//! `chacha20poly1305`) under a 32-byte master key. We chose it over AES-256-GCM
//! because it is constant-time in portable software (no reliance on AES-NI),
//! and its 192-bit nonce makes a fresh random nonce per value safe with no
//! counter to keep, even across several nodes sharing one database. The
//! associated data is the access key ID, so a ciphertext copied into another
//! row fails to decrypt. Stored layout: `0x01 || nonce (24) || ciphertext+tag`.
//!
//! # MFA seeds
//! The TOTP seed of a virtual MFA device is sealed the same way, with the
//! device's serial number in the associated data under its own prefix
//! (`ironiam/mfa-seed/v1/`), so a seed cannot be moved to another device, nor
//! passed off as a secret access key or the other way round.
//!
//! # The master key
//! Either `master.key` in the data directory (64 hex characters, created with
//! mode 0600 in the same `open` call, refused when group or others can read
//! it), or the `IRONIAM_MASTER_KEY` environment variable in the same format
//! (`openssl rand -hex 32` makes one). Hex was picked over base64 because it
//! needs no dependency and cannot be confused between alphabets.
//!
//! # Passwords
//! Argon2id with OWASP's recommended minimum: m = 19 MiB (19456 KiB), t = 2
//! iterations, p = 1 lane, a 16-byte random salt and a 32-byte output, kept as a
//! PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`), whose parameters travel
//! with it so they can be raised later. Verification is constant-time (the
//! `argon2` crate compares the outputs so).
//! <https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id>
//!
//! No type here prints its secret: `Debug` shows `[redacted]`, and key material
//! is wiped on drop.

use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

use crate::id::RandomSource;

/// The name of the key file in the data directory.
pub const KEY_FILE: &str = "master.key";
/// The environment variable that can hold the master key instead.
pub const KEY_ENV: &str = "IRONIAM_MASTER_KEY";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const FORMAT_V1: u8 = 1;

/// What can go wrong with keys, encryption and password hashing.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The key file could not be read or written.
    #[error("cannot access master key file `{path}`: {source}")]
    KeyFileIo {
        /// The key file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The key file can be read by group or others.
    #[error(
        "master key file `{path}` has mode {mode:04o}; it must be readable by its owner only (chmod 600)"
    )]
    KeyFilePermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The key text is not 64 hex characters.
    #[error("master key from {origin} is malformed: expected 64 hex characters (32 bytes)")]
    MalformedKey {
        /// Where the key came from: a file path or an environment variable.
        origin: String,
    },
    /// The environment variable is not set.
    #[error("environment variable `{0}` is not set")]
    EnvMissing(String),
    /// A ciphertext did not authenticate: wrong master key, or the value was
    /// moved from another row or altered.
    #[error(
        "cannot decrypt the secret of access key `{key_id}`: wrong master key, or the stored value was altered"
    )]
    Decrypt {
        /// The access key whose secret failed.
        key_id: String,
    },
    /// A stored ciphertext has an unknown layout.
    #[error("the stored secret of access key `{key_id}` has an unknown format")]
    UnknownFormat {
        /// The access key whose secret is malformed.
        key_id: String,
    },
    /// An MFA seed did not authenticate: wrong master key, or the value was
    /// moved from another device or altered.
    #[error(
        "cannot decrypt the seed of MFA device `{serial_number}`: wrong master key, or the stored value was altered"
    )]
    SeedDecrypt {
        /// The device whose seed failed.
        serial_number: String,
    },
    /// A stored MFA seed has an unknown layout.
    #[error("the stored seed of MFA device `{serial_number}` has an unknown format")]
    SeedFormat {
        /// The device whose seed is malformed.
        serial_number: String,
    },
    /// Encryption failed (it cannot for in-range inputs).
    #[error("encryption failed")]
    Encrypt,
    /// The random source failed.
    #[error("random number generator failed: {0}")]
    Random(String),
    /// Argon2 rejected its input or a stored hash is malformed.
    #[error("password hashing failed: {0}")]
    Password(String),
}

/// The 32-byte key that seals secret access keys.
pub struct MasterKey {
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// A key from raw bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self {
            key: Zeroizing::new(bytes),
        }
    }

    /// A fresh random key.
    ///
    /// # Errors
    /// When `rng` fails.
    pub fn generate(rng: &mut dyn RandomSource) -> Result<Self, SecretError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(key.as_mut())?;
        Ok(Self { key })
    }

    /// Parses 64 hex characters (surrounding whitespace ignored). `origin`
    /// names the source in the error.
    ///
    /// # Errors
    /// [`SecretError::MalformedKey`] for anything else.
    pub fn from_hex(text: &str, origin: &str) -> Result<Self, SecretError> {
        let malformed = || SecretError::MalformedKey {
            origin: origin.to_owned(),
        };
        let text = text.trim().as_bytes();
        if text.len() != KEY_LEN * 2 {
            return Err(malformed());
        }
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        for (byte, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
            let [high, low] = pair else {
                return Err(malformed());
            };
            *byte = (hex_digit(*high).ok_or_else(malformed)? << 4)
                | hex_digit(*low).ok_or_else(malformed)?;
        }
        Ok(Self { key })
    }

    /// Reads the key from the environment variable `var` (64 hex characters).
    ///
    /// # Errors
    /// When the variable is unset or malformed.
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        let value = Zeroizing::new(
            std::env::var(var).map_err(|_| SecretError::EnvMissing(var.to_owned()))?,
        );
        Self::from_hex(&value, &format!("environment variable `{var}`"))
    }

    /// Reads `data_dir/master.key`, or creates it with a fresh random key.
    ///
    /// The file is created with mode 0600 by the `open` call itself, so it is
    /// never readable by others, not even briefly. An existing file readable
    /// by group or others is refused.
    ///
    /// # Errors
    /// On I/O failure, a permissive mode, or malformed contents.
    pub fn load_or_create(
        data_dir: &Path,
        rng: &mut dyn RandomSource,
    ) -> Result<Self, SecretError> {
        let path = data_dir.join(KEY_FILE);
        let io_error = |source| SecretError::KeyFileIo {
            path: path.clone(),
            source,
        };
        match create_private(&path) {
            Ok(mut file) => {
                let key = Self::generate(rng)?;
                let mut text = Zeroizing::new(key.to_hex());
                text.push('\n');
                file.write_all(text.as_bytes()).map_err(io_error)?;
                file.sync_all().map_err(io_error)?;
                // Make the new directory entry durable too.
                if let Ok(dir) = fs::File::open(data_dir) {
                    dir.sync_all().map_err(io_error)?;
                }
                Ok(key)
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Self::load(&path),
            Err(err) => Err(io_error(err)),
        }
    }

    /// Reads an existing key file, refusing one readable by group or others.
    ///
    /// # Errors
    /// On I/O failure, a permissive mode, or malformed contents.
    pub fn load(path: &Path) -> Result<Self, SecretError> {
        let io_error = |source| SecretError::KeyFileIo {
            path: path.to_owned(),
            source,
        };
        let mut file = fs::File::open(path).map_err(io_error)?;
        check_private(path, &file)?;
        let mut text = Zeroizing::new(String::new());
        file.read_to_string(&mut text).map_err(io_error)?;
        Self::from_hex(&text, &format!("`{}`", path.display()))
    }

    fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(KEY_LEN * 2);
        for byte in self.key.iter() {
            for nibble in [byte >> 4, byte & 0x0f] {
                if let Some(digit) = DIGITS.get(usize::from(nibble)) {
                    out.push(char::from(*digit));
                }
            }
        }
        out
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.key).into())
    }

    /// Seals the secret of access key `key_id` with a fresh random nonce.
    ///
    /// # Errors
    /// When `rng` fails.
    pub fn encrypt(
        &self,
        key_id: &str,
        secret: &SecretAccessKey,
        rng: &mut dyn RandomSource,
    ) -> Result<EncryptedSecret, SecretError> {
        self.seal(&associated_data(key_id), secret.expose().as_bytes(), rng)
    }

    /// Opens the secret of access key `key_id`.
    ///
    /// # Errors
    /// [`SecretError::Decrypt`] under a wrong key or for a ciphertext taken
    /// from another row; [`SecretError::UnknownFormat`] for a bad layout.
    pub fn decrypt(
        &self,
        key_id: &str,
        sealed: &EncryptedSecret,
    ) -> Result<SecretAccessKey, SecretError> {
        let unknown = || SecretError::UnknownFormat {
            key_id: key_id.to_owned(),
        };
        let plain =
            self.open(&associated_data(key_id), sealed)
                .map_err(|failure| match failure {
                    OpenFailure::Format => unknown(),
                    OpenFailure::Authentication => SecretError::Decrypt {
                        key_id: key_id.to_owned(),
                    },
                })?;
        let text = std::str::from_utf8(&plain).map_err(|_| unknown())?;
        Ok(SecretAccessKey::new(text.to_owned()))
    }

    /// Seals the TOTP seed of the virtual MFA device `serial_number`, bound
    /// to that serial number, with a fresh random nonce.
    ///
    /// # Errors
    /// When `rng` fails.
    pub fn seal_mfa_seed(
        &self,
        serial_number: &str,
        seed: &MfaSeed,
        rng: &mut dyn RandomSource,
    ) -> Result<EncryptedSecret, SecretError> {
        self.seal(&mfa_associated_data(serial_number), seed.expose(), rng)
    }

    /// Opens the TOTP seed of the virtual MFA device `serial_number`.
    ///
    /// # Errors
    /// [`SecretError::SeedDecrypt`] under a wrong key or for a seed taken
    /// from another device; [`SecretError::SeedFormat`] for a bad layout.
    pub fn open_mfa_seed(
        &self,
        serial_number: &str,
        sealed: &EncryptedSecret,
    ) -> Result<MfaSeed, SecretError> {
        let plain = self
            .open(&mfa_associated_data(serial_number), sealed)
            .map_err(|failure| match failure {
                OpenFailure::Format => SecretError::SeedFormat {
                    serial_number: serial_number.to_owned(),
                },
                OpenFailure::Authentication => SecretError::SeedDecrypt {
                    serial_number: serial_number.to_owned(),
                },
            })?;
        Ok(MfaSeed(plain))
    }

    /// `0x01 || nonce || XChaCha20-Poly1305(plaintext, aad)`.
    fn seal(
        &self,
        aad: &[u8],
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<EncryptedSecret, SecretError> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce)?;
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| SecretError::Encrypt)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(EncryptedSecret(out))
    }

    fn open(
        &self,
        aad: &[u8],
        sealed: &EncryptedSecret,
    ) -> Result<Zeroizing<Vec<u8>>, OpenFailure> {
        let (format, rest) = sealed.0.split_first().ok_or(OpenFailure::Format)?;
        if *format != FORMAT_V1 || rest.len() < NONCE_LEN {
            return Err(OpenFailure::Format);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| OpenFailure::Format)?;
        self.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenFailure::Authentication)
    }
}

/// Why a sealed value did not open.
enum OpenFailure {
    /// Not the stored layout.
    Format,
    /// The tag did not verify: wrong key, wrong binding, or altered bytes.
    Authentication,
}

/// The binding of an MFA seed: a seed copied to another device's row fails
/// to open, and so does a secret access key moved into a seed column.
fn mfa_associated_data(serial_number: &str) -> Vec<u8> {
    format!("ironiam/mfa-seed/v1/{serial_number}").into_bytes()
}

impl MasterKey {
    /// Seals `plaintext` for `purpose` (a domain-separating label such as
    /// `session-token/AKID`), with a fresh random nonce. The purpose is the
    /// associated data, so a value sealed for one purpose never opens as another.
    ///
    /// # Errors
    /// When `rng` fails.
    pub fn seal_value(
        &self,
        purpose: &str,
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<Vec<u8>, SecretError> {
        self.seal(&sealed_associated_data(purpose), plaintext, rng)
            .map(|sealed| sealed.0)
    }

    /// Opens a value [`MasterKey::seal_value`] sealed for `purpose`; `None` when it
    /// was sealed under another key or purpose, or was altered.
    pub fn open_value(&self, purpose: &str, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.open(
            &sealed_associated_data(purpose),
            &EncryptedSecret(sealed.to_vec()),
        )
        .ok()
    }
}

fn sealed_associated_data(purpose: &str) -> Vec<u8> {
    format!("ironiam/sealed/v1/{purpose}").into_bytes()
}

fn associated_data(key_id: &str) -> Vec<u8> {
    format!("ironiam/access-key-secret/v1/{key_id}").into_bytes()
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn check_private(path: &Path, file: &fs::File) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file
        .metadata()
        .map_err(|source| SecretError::KeyFileIo {
            path: path.to_owned(),
            source,
        })?
        .permissions()
        .mode()
        & 0o7777;
    if mode & 0o077 != 0 {
        return Err(SecretError::KeyFilePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _file: &fs::File) -> Result<(), SecretError> {
    Ok(())
}

/// A plaintext secret access key. Never printed; wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretAccessKey(Zeroizing<String>);

impl SecretAccessKey {
    /// Wraps a secret.
    pub fn new(secret: String) -> Self {
        Self(Zeroizing::new(secret))
    }

    /// The secret text, for signing or for the one `CreateAccessKey` response.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretAccessKey([redacted])")
    }
}

/// A plaintext TOTP seed of a virtual MFA device. Never printed; wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaSeed(Zeroizing<Vec<u8>>);

impl MfaSeed {
    /// Wraps seed bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// `len` fresh random bytes from `rng`.
    ///
    /// # Errors
    /// When `rng` fails.
    pub fn generate(len: usize, rng: &mut dyn RandomSource) -> Result<Self, SecretError> {
        let mut bytes = Zeroizing::new(vec![0u8; len]);
        rng.fill(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// The seed bytes, for computing codes or for the one `CreateVirtualMFADevice` response.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for MfaSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaSeed([redacted])")
    }
}

/// A sealed secret access key as stored. Not secret without the master key,
/// but `Debug` shows only its length anyway.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptedSecret(Vec<u8>);

impl EncryptedSecret {
    /// Wraps stored bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for EncryptedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptedSecret([{} bytes])", self.0.len())
    }
}

/// Argon2's working memory, kept between hashes.
///
/// `argon2` allocates and frees its 19 MiB per evaluation with a 64-byte alignment;
/// glibc then raises its mmap threshold past that size and keeps every freed block
/// in the heap: a server's RSS grew by 19 MiB per sign-in up to ~270 MiB and stayed.
/// Hashing in memory owned by the caller (one per Argon2 worker thread) keeps it at
/// one block per worker.
pub struct PasswordMemory(Vec<argon2::Block>);

impl PasswordMemory {
    /// Memory for this build's parameters (19 MiB), zeroed.
    pub fn new() -> Self {
        let blocks =
            Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None).map_or(0, |p| p.block_count());
        Self(vec![argon2::Block::new(); blocks])
    }

    /// Exactly `count` blocks, growing the memory for a stored hash with a larger
    /// memory cost.
    fn blocks(&mut self, count: usize) -> &mut [argon2::Block] {
        if self.0.len() < count {
            self.0.resize(count, argon2::Block::new());
        }
        let all = self.0.as_mut_slice();
        let (used, _) = all.split_at_mut(count.min(all.len()));
        used
    }
}

impl Default for PasswordMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for PasswordMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordMemory([{} KiB])", self.0.len())
    }
}

/// OWASP's Argon2id parameters: 19 MiB, 2 iterations, 1 lane.
const ARGON2_M_KIB: u32 = 19 * 1024;
const ARGON2_T: u32 = 2;
const ARGON2_P: u32 = 1;
const SALT_LEN: usize = 16;

/// An Argon2id password hash in PHC string form. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Hashes `password` with Argon2id and a fresh random salt.
    ///
    /// # Errors
    /// When `rng` fails or Argon2 rejects the input (a password over 4 GiB).
    pub fn create(password: &str, rng: &mut dyn RandomSource) -> Result<Self, SecretError> {
        let mut salt = [0u8; SALT_LEN];
        rng.fill(&mut salt)?;
        let hash = argon2()?
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|err| SecretError::Password(err.to_string()))?;
        salt.zeroize();
        Ok(Self(hash.to_string()))
    }

    /// Whether `password` matches, compared in constant time.
    ///
    /// # Errors
    /// When the stored hash is malformed.
    pub fn verify(&self, password: &str) -> Result<bool, SecretError> {
        let parsed = argon2::PasswordHash::new(&self.0)
            .map_err(|err| SecretError::Password(err.to_string()))?;
        match argon2()?.verify_password(password.as_bytes(), &parsed) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(err) => Err(SecretError::Password(err.to_string())),
        }
    }

    /// [`create`](Self::create) in `memory`, reused from one hash to the next.
    ///
    /// # Errors
    /// As `create`.
    pub fn create_in(
        password: &str,
        rng: &mut dyn RandomSource,
        memory: &mut PasswordMemory,
    ) -> Result<Self, SecretError> {
        let fail = |err: &dyn fmt::Display| SecretError::Password(err.to_string());
        let mut salt = [0u8; SALT_LEN];
        rng.fill(&mut salt)?;
        let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None).map_err(|e| fail(&e))?;
        let mut out = Zeroizing::new([0u8; Params::DEFAULT_OUTPUT_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(
                password.as_bytes(),
                &salt,
                out.as_mut_slice(),
                memory.blocks(params.block_count()),
            )
            .map_err(|e| fail(&e))?;
        let phc = argon2::PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
            salt: Some(Salt::new(&salt).map_err(|e| fail(&e))?),
            hash: Some(Output::new(out.as_slice()).map_err(|e| fail(&e))?),
        };
        salt.zeroize();
        Ok(Self(phc.to_string()))
    }

    /// [`verify`](Self::verify) in `memory`, reused from one verification to the
    /// next.
    ///
    /// # Errors
    /// When the stored hash is malformed.
    pub fn verify_in(
        &self,
        password: &str,
        memory: &mut PasswordMemory,
    ) -> Result<bool, SecretError> {
        let fail = |err: &dyn fmt::Display| SecretError::Password(err.to_string());
        let parsed = argon2::PasswordHash::new(&self.0).map_err(|e| fail(&e))?;
        let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
            return Err(SecretError::Password(
                "hash without salt or output".to_owned(),
            ));
        };
        let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| fail(&e))?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|e| fail(&e))?
            .unwrap_or_default();
        let params = Params::try_from(&parsed).map_err(|e| fail(&e))?;
        let mut out = Zeroizing::new(vec![0u8; expected.len()]);
        Argon2::new(algorithm, version, params.clone())
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt.as_ref(),
                out.as_mut_slice(),
                memory.blocks(params.block_count()),
            )
            .map_err(|e| fail(&e))?;
        // `Output`'s equality is constant-time.
        let computed = Output::new(out.as_slice()).map_err(|e| fail(&e))?;
        Ok(&computed == expected)
    }

    /// Wraps a stored PHC string.
    pub fn from_phc(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string to store.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

fn argon2() -> Result<Argon2<'static>, SecretError> {
    let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None)
        .map_err(|err| SecretError::Password(err.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}
