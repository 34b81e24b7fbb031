# bench/ipvs.d/gen.awk - the benchmark table in each tool's language:
# ns services (TCP 192.0.2.10:8000.., wrr, NAT) x nr real servers
# (198.51.100.1..250:80, then 198.51.101.x, ...), weight 1; with changed=1
# the first real server of every service has weight 2 (issue 5's "1% weight
# change" at 100 x 100).
#   awk -v tool=tandem|keepalived|ipvsadm -v ns=100 -v nr=100 -v changed=0|1 \
#       [-v dir=DIR (tandem: socket and pid file)] -f gen.awk
function rs(r) { return sprintf("198.51.%d.%d", 100 + int((r - 1) / 250), (r - 1) % 250 + 1) }
function w(r) { return changed && r == 1 ? 2 : 1 }
BEGIN {
	if (tool == "tandem") {
		printf "global: { router_id = \"bench\"; control_socket = \"%s/tandemd.sock\";\n", dir
		printf "          pid_file = \"%s/tandemd.pid\"; log_level = \"info\"; syslog = false; };\n", dir
		print "ipvs: { on_stop = \"remove\"; };"
		print "virtual_servers: ("
		for (s = 1; s <= ns; s++) {
			printf "  { name = \"s%d\"; address = \"192.0.2.10\"; port = %d; scheduler = \"wrr\";\n", s, 7999 + s
			print "    forward = \"nat\"; real_servers = ("
			for (r = 1; r <= nr; r++)
				printf "      { address = \"%s\"; port = 80; weight = %d; }%s\n", rs(r), w(r), r < nr ? "," : ""
			printf "    ) }%s\n", s < ns ? "," : ""
		}
		print ");"
	} else if (tool == "keepalived") {
		# real servers without checkers: up at once
		print "global_defs {\n  router_id bench\n}"
		for (s = 1; s <= ns; s++) {
			printf "virtual_server 192.0.2.10 %d {\n  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n", 7999 + s
			for (r = 1; r <= nr; r++)
				printf "  real_server %s 80 {\n    weight %d\n  }\n", rs(r), w(r)
			print "}"
		}
	} else if (tool == "ipvsadm") {
		for (s = 1; s <= ns; s++) {
			printf "-A -t 192.0.2.10:%d -s wrr\n", 7999 + s
			for (r = 1; r <= nr; r++)
				printf "-a -t 192.0.2.10:%d -r %s:80 -m -w %d\n", 7999 + s, rs(r), w(r)
		}
	} else {
		print "gen.awk: tool must be tandem, keepalived or ipvsadm" > "/dev/stderr"
		exit 2
	}
}
