//! Property tests for the input validators: USCC checksum, phone/e-mail/postal parsers,
//! normalisation and masking.

use chanjiao_domain::provinces::ProvinceCode;
use chanjiao_domain::users::password::PasswordPolicy;
use chanjiao_domain::validate::{
    Email, Landline, MobilePhone, Phone, PostalCode, USCC_CHARSET, Uscc, bounded_text, mask_email,
    mask_phone, normalize, normalize_compact, uscc_check_char,
};
use proptest::prelude::*;

/// A character of the USCC charset.
fn charset_char() -> impl Strategy<Value = char> {
    prop::sample::select(USCC_CHARSET.chars().collect::<Vec<_>>())
}

/// A well-formed first 17 characters: positions 1–2 and 9–17 from the charset, 3–8 digits.
fn uscc_prefix() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(charset_char(), 2),
        "[0-9]{6}",
        prop::collection::vec(charset_char(), 9),
    )
        .prop_map(|(a, b, c)| {
            let mut s: String = a.into_iter().collect();
            s.push_str(&b);
            s.extend(c);
            s
        })
}

fn valid_uscc() -> impl Strategy<Value = String> {
    uscc_prefix().prop_map(|p| {
        let c = uscc_check_char(&p).expect("valid prefix");
        format!("{p}{c}")
    })
}

fn valid_mobile() -> impl Strategy<Value = String> {
    "1[3-9][0-9]{9}"
}

/// A canonical landline: 3-digit area codes are 010 and 020–029, others have 4 digits.
fn valid_landline() -> impl Strategy<Value = String> {
    (
        prop_oneof!["0(10|2[0-9])", "0[3-9][0-9]{2}"],
        "[1-9][0-9]{6,7}",
        proptest::option::of("[0-9]{1,6}"),
    )
        .prop_map(|(area, number, ext)| match ext {
            Some(ext) => format!("{area}-{number}-{ext}"),
            None => format!("{area}-{number}"),
        })
}

fn valid_email() -> impl Strategy<Value = String> {
    "[a-z0-9_+-]{1,10}(\\.[a-z0-9_+-]{1,10}){0,2}@[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z]{2,6}){1,2}"
}

/// Converts ASCII to its full-width form, space to U+3000, as a Chinese IME would type it.
fn to_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// Arbitrary text, plus text biased towards the characters the parsers care about.
fn messy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-zA-Z@.()（）＠０-９ａ-ｚ \u{3000}\u{A0}\t\n\r+转—－。-]{0,40}",
        "[0-9 ()+-]{0,25}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn uscc_prefix_plus_check_char_parses(code in valid_uscc()) {
        let u = Uscc::parse(&code).unwrap();
        prop_assert_eq!(u.as_str(), code.as_str());
        prop_assert_eq!(Uscc::parse(&code.to_lowercase()).unwrap(), u.clone());
        prop_assert_eq!(Uscc::parse(u.as_str()).unwrap(), u);
    }

    /// Weights are 3^k mod 31, never 0, and 31 is prime, so changing one of the first 17
    /// characters by a non-zero value d changes the weighted sum by w·d ≢ 0 (mod 31); the
    /// check value is a bijection onto the 31-character charset, so changing position 18 alone
    /// is caught too. Hence every single substitution by any other character is rejected.
    #[test]
    fn uscc_any_single_substitution_fails(
        code in valid_uscc(),
        pos in 0usize..18,
        replacement in prop_oneof![charset_char(), any::<char>()],
    ) {
        let mut chars: Vec<char> = code.chars().collect();
        // Skip replacements that normalise back to the original (lower case, full width).
        prop_assume!(normalize(&replacement.to_string()).to_ascii_uppercase() != chars[pos].to_string());
        chars[pos] = replacement;
        let mutated: String = chars.into_iter().collect();
        prop_assert!(Uscc::parse(&mutated).is_err(), "{} accepted", mutated);
    }

    /// Swapping two different adjacent characters among the first 17 changes the sum by
    /// (a − b)(w_i − w_{i+1}) = (a − b)·3^i·(1 − 3) ≢ 0 (mod 31), so it is caught as well.
    #[test]
    fn uscc_adjacent_transposition_in_first_17_fails(code in valid_uscc(), pos in 0usize..16) {
        let mut chars: Vec<char> = code.chars().collect();
        prop_assume!(chars[pos] != chars[pos + 1]);
        chars.swap(pos, pos + 1);
        let mutated: String = chars.into_iter().collect();
        prop_assert!(Uscc::parse(&mutated).is_err(), "{} accepted", mutated);
    }

    #[test]
    fn uscc_check_char_matches_parse(prefix in uscc_prefix(), last in charset_char()) {
        let code = format!("{prefix}{last}");
        let ok = Uscc::parse(&code).is_ok();
        prop_assert_eq!(ok, uscc_check_char(&prefix) == Some(last));
        if !ok {
            prop_assert_eq!(Uscc::parse(&code).unwrap_err().code, "uscc_checksum");
        }
    }

    #[test]
    fn full_width_inputs_parse_like_half_width(
        uscc in valid_uscc(),
        mobile in valid_mobile(),
        landline in valid_landline(),
        email in valid_email(),
        postal in "[0-9]{6}",
    ) {
        prop_assert_eq!(Uscc::parse(&to_full_width(&uscc)).unwrap(), Uscc::parse(&uscc).unwrap());
        prop_assert_eq!(
            MobilePhone::parse(&to_full_width(&mobile)).unwrap(),
            MobilePhone::parse(&mobile).unwrap()
        );
        prop_assert_eq!(
            Landline::parse(&to_full_width(&landline)).unwrap(),
            Landline::parse(&landline).unwrap()
        );
        prop_assert_eq!(Phone::parse(&to_full_width(&landline)).unwrap(), Phone::parse(&landline).unwrap());
        prop_assert_eq!(Email::parse(&to_full_width(&email)).unwrap(), Email::parse(&email).unwrap());
        prop_assert_eq!(
            PostalCode::parse(&to_full_width(&postal)).unwrap(),
            PostalCode::parse(&postal).unwrap()
        );
    }

    #[test]
    fn canonical_forms_round_trip(
        mobile in valid_mobile(),
        landline in valid_landline(),
        email in valid_email(),
    ) {
        let m = MobilePhone::parse(&mobile).unwrap();
        prop_assert_eq!(m.as_str(), mobile.as_str());
        prop_assert_eq!(MobilePhone::parse(&format!("+86 {mobile}")).unwrap(), m.clone());
        prop_assert_eq!(Phone::parse(&mobile).unwrap(), Phone::Mobile(m));

        let l = Landline::parse(&landline).unwrap();
        prop_assert_eq!(l.as_str(), landline.as_str());
        // Without separators, with spaces, in parentheses: same canonical value.
        let (area, rest) = landline.split_once('-').unwrap();
        if l.extension().is_none() {
            prop_assert_eq!(Landline::parse(&format!("{area}{rest}")).unwrap(), l.clone());
        }
        prop_assert_eq!(Landline::parse(&format!("({area}) {rest}")).unwrap(), l.clone());
        prop_assert_eq!(Landline::parse(&format!("{area}--{rest}")).unwrap(), l.clone());
        prop_assert_eq!(Phone::parse(&landline).unwrap(), Phone::Landline(l));

        let e = Email::parse(&email).unwrap();
        prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e.clone());
        let upper = Email::parse(&email.to_uppercase()).unwrap();
        prop_assert_eq!(upper.domain(), e.domain());
    }

    #[test]
    fn normalize_is_idempotent_and_tidy(s in messy_text()) {
        let n = normalize(&s);
        prop_assert_eq!(normalize(&n), n.clone());
        prop_assert!(!n.starts_with(' ') && !n.ends_with(' '));
        prop_assert!(!n.contains("  "));
        prop_assert!(!n.chars().any(|c| c != ' ' && c.is_whitespace()));
        let full_width = '\u{FF01}'..='\u{FF5E}';
        prop_assert!(!n.chars().any(|c| full_width.contains(&c)));
        let c = normalize_compact(&s);
        prop_assert_eq!(normalize_compact(&c), c.clone());
        prop_assert!(!c.contains(' '));
    }

    #[test]
    fn parsers_never_panic(s in messy_text(), max in 0usize..50, required: bool) {
        let _ = Uscc::parse(&s);
        let _ = MobilePhone::parse(&s);
        let _ = Landline::parse(&s);
        let _ = Phone::parse(&s);
        let _ = Email::parse(&s);
        let _ = PostalCode::parse(&s);
        let _ = ProvinceCode::parse(&s);
        let _ = uscc_check_char(&s);
        let _ = mask_phone(&s);
        let _ = mask_email(&s);
        let _ = PasswordPolicy::default().check(&s, &s);
        if let Ok(text) = bounded_text("备注", &s, max, required) {
            prop_assert!(text.chars().count() <= max);
            prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
            prop_assert!(!required || !text.is_empty());
            prop_assert_eq!(bounded_text("备注", &text, max, required).unwrap(), text);
        }
    }

    #[test]
    fn successful_parses_are_canonical(s in messy_text()) {
        // Whatever a parser accepts, it accepts its own output unchanged.
        if let Ok(p) = Phone::parse(&s) {
            prop_assert_eq!(Phone::parse(p.as_str()).unwrap(), p);
        }
        if let Ok(e) = Email::parse(&s) {
            prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
        }
        if let Ok(p) = PostalCode::parse(&s) {
            prop_assert_eq!(PostalCode::parse(p.as_str()).unwrap(), p);
        }
    }

    #[test]
    fn mask_phone_never_reveals_the_number(
        mobile in valid_mobile(),
        landline in valid_landline(),
        digits in "[0-9]{1,20}",
    ) {
        let m = mask_phone(&mobile);
        prop_assert!(!m.contains(&mobile));
        prop_assert!(m.chars().filter(char::is_ascii_digit).count() < 11);
        prop_assert!(m.contains("****"));

        let l = Landline::parse(&landline).unwrap();
        let masked = mask_phone(&landline);
        prop_assert!(!masked.contains(l.local_number()), "{} -> {}", landline, masked);
        prop_assert!(masked.starts_with(l.area_code()));
        prop_assert!(masked.contains("****"));

        prop_assert!(!mask_phone(&digits).contains(&digits));
    }

    #[test]
    fn mask_email_hides_the_local_part(
        local in "[a-z0-9._]{2,20}",
        domain in "[a-z0-9]{1,10}\\.[a-z]{2,6}",
    ) {
        let masked = mask_email(&format!("{local}@{domain}"));
        let (shown, shown_domain) = masked.split_once('@').unwrap();
        prop_assert!(!shown.contains(&local));
        prop_assert!(shown.ends_with("***"));
        prop_assert_eq!(shown_domain, domain.as_str());
    }

    #[test]
    fn password_check_is_total_and_length_is_in_chars(len in 0usize..20) {
        let pw: String = "密A1".chars().cycle().take(len).collect();
        let r = PasswordPolicy::default().check(&pw, "");
        if len < 8 {
            prop_assert_eq!(r.unwrap_err().code, "password_too_short");
        } else {
            prop_assert_eq!(r, Ok(()));
        }
    }
}
