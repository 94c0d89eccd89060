/*
 * date.c: civil dates as day numbers, ages, month arithmetic, durations.
 *
 * Day 0 is 1970-01-01 in the proleptic Gregorian calendar.  The conversions
 * count whole 400-year eras (146097 days each) with March-based years, so
 * that the leap day falls at the end of a year (the method Meeus and the
 * SQLite date functions use in Julian-day form).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "permitdesk/base.h"

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pd_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool pd_date_valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= pd_days_in_month(y, m);
}

pd_date pd_date_from_ymd(int y, int m, int d)
{
	int yy = m <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;                        /* [0, 399] */
	int mp = (m + 9) % 12;                           /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d - 1;            /* [0, 365] */
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
	return (pd_date)(era * 146097 + doe - 719468);
}

void pd_date_to_ymd(pd_date date, int *y, int *m, int *d)
{
	int z = date + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int dd = doy - (153 * mp + 2) / 5 + 1;
	int mm = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (mm <= 2);
	*m = mm;
	*d = dd;
}

int pd_date_weekday(pd_date date)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((date % 7 + 7 + 3) % 7); /* 0 Monday */
	return w + 1;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int pd_date_parse(const char *s, size_t len, pd_date *out)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !pd_date_valid_ymd(y, m, d))
		return -1;
	*out = pd_date_from_ymd(y, m, d);
	return 0;
}

void pd_date_format(pd_date date, char buf[11])
{
	int y, m, d;
	pd_date_to_ymd(date, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(buf, "0000-00-00", 11);
		return;
	}
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

int pd_age_years(pd_date birth, pd_date on)
{
	int by, bm, bd, y, m, d;
	pd_date_to_ymd(birth, &by, &bm, &bd);
	pd_date_to_ymd(on, &y, &m, &d);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

pd_date pd_date_add_months(pd_date date, int months)
{
	int y, m, d;
	pd_date_to_ymd(date, &y, &m, &d);
	long total = (long)y * 12 + (m - 1) + months;
	int ny = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
	int nm = (int)(total - (long)ny * 12) + 1;
	int dim = pd_days_in_month(ny, nm);
	return pd_date_from_ymd(ny, nm, d > dim ? dim : d);
}

pd_date pd_today(void)
{
	const char *fixed = getenv("PERMITDESK_TODAY");
	pd_date d;
	if (fixed && pd_date_parse(fixed, strlen(fixed), &d) == 0)
		return d;
	time_t now = time(NULL) + 8 * 3600; /* China Standard Time, no daylight saving */
	return (pd_date)(now / 86400);
}

int pd_duration_parse(const char *s, size_t len, struct pd_duration *out)
{
	if (len < 2 || len > 7)
		return -1;
	int n = digits(s, (int)len - 1);
	if (n < 0)
		return -1;
	switch (s[len - 1]) {
	case 'd':
		*out = (struct pd_duration){n, PD_DUR_DAYS};
		return 0;
	case 'w':
		*out = (struct pd_duration){n * 7, PD_DUR_DAYS};
		return 0;
	case 'm':
		*out = (struct pd_duration){n, PD_DUR_MONTHS};
		return 0;
	case 'y':
		*out = (struct pd_duration){n * 12, PD_DUR_MONTHS};
		return 0;
	default:
		return -1;
	}
}

pd_date pd_date_add_duration(pd_date date, struct pd_duration dur, int sign)
{
	if (dur.unit == PD_DUR_DAYS)
		return date + sign * dur.count;
	return pd_date_add_months(date, sign * dur.count);
}

int32_t pd_duration_days(struct pd_duration dur, pd_date from)
{
	return pd_date_add_duration(from, dur, 1) - from;
}
