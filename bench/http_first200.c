/*
 * http_first200: how long a server takes from exec to its first 200, for
 * bench/http.sh.
 *
 *   http_first200 RESULT OUT CMD [ARG...]
 *
 * Takes the time, forks, and execs CMD in the parent process (so that the
 * caller's $! is the server's pid) with its standard output to the file OUT.
 * The child polls OUT every 100 µs for "listening on http://ADDR:PORT", then
 * sends "GET /api/v1/health" to that address in a loop (a new connection each
 * try, 100 µs apart) until one is answered "HTTP/1.1 200", and writes to
 * RESULT one line: milliseconds from before the exec to the listening line,
 * and to the first 200.  It gives up after 20 s (RESULT then says "fail").
 * A shell loop of curl would measure curl's own start (a few ms each) as well.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void pause_us(long us)
{
	struct timespec ts = {0, us * 1000};
	nanosleep(&ts, NULL);
}

/* The port of the "listening on http://127.0.0.1:PORT" line in OUT, or 0. */
static int listening_port(const char *out)
{
	char buf[512];
	int fd = open(out, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *p = strstr(buf, "listening on http://");
	if (!p || !strchr(p, '\n'))
		return 0;
	const char *colon = strchr(p + 20, ':');
	return colon ? atoi(colon + 1) : 0;
}

/* 1 when GET /api/v1/health on 127.0.0.1:port answers 200. */
static int health_200(int port)
{
	static const char req[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                          "Connection: close\r\n\r\n";
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char buf[32] = "";
	int ok = 0;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1)) {
		size_t got = 0;
		ssize_t n;
		while (got < 12 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
			got += (size_t)n;
		ok = got >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
	}
	close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: http_first200 RESULT OUT CMD [ARG...]\n");
		return 64;
	}
	const char *result = argv[1], *out = argv[2];
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(out);
		return 66;
	}
	pid_t server = getpid();
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 71;
	}
	if (pid > 0) {
		dup2(fd, 1);
		close(fd);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}

	close(fd);
	double t_listen = 0, t_200 = 0, deadline = t0 + 20000;
	int port = 0;
	while (now_ms() < deadline && getppid() == server) {
		if (!port && (port = listening_port(out)))
			t_listen = now_ms();
		if (port && health_200(port)) {
			t_200 = now_ms();
			break;
		}
		pause_us(100);
	}
	FILE *f = fopen(result, "w");
	if (!f)
		return 73;
	if (t_200 > 0)
		fprintf(f, "%.1f %.1f\n", t_listen - t0, t_200 - t0);
	else
		fprintf(f, "fail\n");
	fclose(f);
	return 0;
}
