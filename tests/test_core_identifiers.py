import pytest

from pcn_assistant.core import nhs_number, ods, postcode


@pytest.mark.parametrize("raw", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 "])
def test_valid_nhs_number_in_any_layout(raw):
    assert nhs_number.is_valid(raw)
    assert nhs_number.validation_error(raw) is None
    assert nhs_number.format_334(raw) == "943 476 5919"


@pytest.mark.parametrize("raw, message", [
    ("9434765918", "Modulus 11"),
    ("943476591", "10 digits"),
    ("94347659190", "10 digits"),
    ("94347A5919", "only digits"),
    ("", "missing"),
])
def test_invalid_nhs_numbers_say_why(raw, message):
    assert not nhs_number.is_valid(raw)
    assert message in nhs_number.validation_error(raw)


def test_check_digit_of_ten_makes_every_ending_invalid():
    stems = [f"{n:09d}" for n in range(100000000, 100000200)]
    ten = [s for s in stems if nhs_number.check_digit(s) is None]
    assert ten, "expected some stems whose check digit would be 10"
    assert all(not nhs_number.is_valid(s + str(d)) for s in ten for d in range(10))


def test_check_digit_eleven_becomes_zero():
    stems = [f"{n:09d}" for n in range(100000000, 100000300)]
    for stem in stems:
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=False))
        if total % 11 == 0:
            assert nhs_number.check_digit(stem) == 0
            assert nhs_number.is_valid(stem + "0")
            return
    pytest.fail("no stem with remainder 0 found")


def test_test_range():
    assert nhs_number.is_test_range("999 123 4564")
    assert not nhs_number.is_test_range("9434765919")


@pytest.mark.parametrize("raw, expected", [
    ("ls11ab", "LS1 1AB"), ("LS1 1AB", "LS1 1AB"), ("sw1a 1aa", "SW1A 1AA"),
    ("M1 1AE", "M1 1AE"), ("B33 8TH", "B33 8TH"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"),
    ("GIR 0AA", "GIR 0AA"),
])
def test_postcode_normalised(raw, expected):
    assert postcode.normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "LS1", "12345", "LS1 1AI", "QQ1 1AB", "LS1 1AB X"])
def test_postcode_rejected(raw):
    assert postcode.normalise(raw) is None


def test_ods_codes():
    assert ods.is_practice_code("n84001")
    assert not ods.is_practice_code("N8400")
    assert not ods.is_practice_code("884001")
    assert ods.is_pcn_code("U12345")
    assert not ods.is_pcn_code("Y12345")


@pytest.mark.parametrize("digit", range(10))
def test_same_digit_numbers_pass_modulus_11_but_are_invalid(digit):
    number = str(digit) * 10
    assert nhs_number.check_digit(number[:9]) == digit  # Modulus 11 alone would accept it
    assert not nhs_number.is_valid(number)
    assert not nhs_number.is_valid(f"{number[:3]} {number[3:6]} {number[6:]}")
    assert "same digit" in nhs_number.validation_error(number)


def test_one_digit_off_same_digit_is_judged_by_modulus_11_alone():
    # 000000001 has check digit 9 (1 x 2 = 2; 11 - 2 = 9): valid although nine digits are 0.
    assert nhs_number.is_valid("0000000019")
    assert not nhs_number.is_same_digit("0000000019")


@pytest.mark.parametrize("raw", ["９４３４７６５９１９", "９４３ ４７６ ５９１９", "943476591９", "٩٤٣٤٧٦٥٩١٩"])
def test_non_ascii_digits_never_validate(raw):
    assert not nhs_number.is_valid(raw)
    assert "only digits" in nhs_number.validation_error(raw)
    assert not nhs_number.is_ascii_digits(nhs_number.normalise(raw))


@pytest.mark.parametrize("code", ["U12345", "u12345", " U00001 "])
def test_pcn_code_is_not_a_practice_code(code):
    assert ods.is_pcn_code(code)
    assert not ods.is_practice_code(code)


@pytest.mark.parametrize("code", ["A12345", "T99999", "V00001", "Y90001", "Z12345"])
def test_letters_either_side_of_u_are_practice_codes(code):
    assert ods.is_practice_code(code)
    assert not ods.is_pcn_code(code)


def test_full_width_practice_code_is_rejected():
    assert not ods.is_practice_code("Ｎ８４００１")
