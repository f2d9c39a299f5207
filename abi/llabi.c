// SPDX-License-Identifier: GPL-2.0
/*
 * llabi: prints what abi/ knows and what the running kernel reports, so that
 * shell and Python never re-type a Landlock constant.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "downgrade.h"
#include "json.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: llabi [--probe | --json | --downgrade FROM_ABI "
		"TO_ABI]\n"
		"  (no option)  human-readable probe of the running kernel\n"
		"  --probe      one line: <status> abi=<n> errata=<hex>\n"
		"  --json       probe and every table of abi/ as JSON\n"
		"  --downgrade  JSON: the reference best-effort downgrade of "
		"a\n"
		"               ruleset handling every right of FROM_ABI for "
		"a\n"
		"               kernel of TO_ABI (1..%d)\n",
		LL_ABI_LAST);
}

static void json_probe(struct ll_json *j, const struct ll_probe *p)
{
	int b;

	ll_json_key(j, "probe");
	ll_json_object(j);
	ll_json_key(j, "status");
	ll_json_string(j, ll_status_name(p->status));
	ll_json_key(j, "abi");
	if (p->status == LL_ENABLED)
		ll_json_int(j, p->abi);
	else
		ll_json_null(j);
	ll_json_key(j, "errata");
	if (p->errata >= 0)
		ll_json_int(j, p->errata);
	else
		ll_json_null(j);
	ll_json_key(j, "errno");
	ll_json_int(j, p->error);
	ll_json_key(j, "proposed");
	ll_json_array(j);
	for (b = 0; b < LL_BEHAVIOUR_COUNT; b++)
		if (ll_probe_has_proposed(p, b))
			ll_json_string(j, ll_behaviour(b)->name);
	ll_json_end(j);
	ll_json_end(j);
}

static void json_families(struct ll_json *j)
{
	const struct ll_bit *bit;
	int f;

	ll_json_key(j, "families");
	ll_json_object(j);
	for (f = 0; f < LL_FAMILY_COUNT; f++) {
		ll_json_key(j, ll_family_name(f));
		ll_json_array(j);
		for (bit = ll_family_bits(f); bit->name; bit++) {
			ll_json_object(j);
			ll_json_key(j, "name");
			ll_json_string(j, bit->name);
			ll_json_key(j, "macro");
			ll_json_string(j, bit->macro);
			ll_json_key(j, "value");
			ll_json_int(j, (int64_t)bit->value);
			ll_json_key(j, "abi");
			/* null: proposed, no released ABI has it */
			if (bit->abi)
				ll_json_int(j, bit->abi);
			else
				ll_json_null(j);
			ll_json_end(j);
		}
		ll_json_end(j);
	}
	ll_json_end(j);
}

static void json_abis(struct ll_json *j)
{
	int abi, f;

	ll_json_key(j, "abis");
	ll_json_array(j);
	for (abi = 1; abi <= LL_ABI_LAST; abi++) {
		ll_json_object(j);
		ll_json_key(j, "abi");
		ll_json_int(j, abi);
		for (f = 0; f < LL_FAMILY_COUNT; f++) {
			ll_json_key(j, ll_family_name(f));
			ll_json_int(j, (int64_t)ll_mask(f, abi));
		}
		ll_json_key(j, "fs_file_rights");
		ll_json_int(j, (int64_t)ll_fs_file_rights(abi));
		ll_json_key(j, "ruleset_attr_size");
		ll_json_int(j, (int64_t)ll_ruleset_attr_size(abi));
		ll_json_key(j, "errata");
		ll_json_int(j, ll_errata_mask(abi));
		ll_json_key(j, "max_layers");
		ll_json_int(j, ll_abi_has(abi, LL_B_LAYER_LIMIT_16)
				       ? LL_MAX_LAYERS
				       : LL_MAX_LAYERS_ABI1_ORIGINAL);
		ll_json_end(j);
	}
	ll_json_end(j);
}

static void json_behaviours(struct ll_json *j)
{
	int b;

	ll_json_key(j, "behaviours");
	ll_json_array(j);
	for (b = 0; b < LL_BEHAVIOUR_COUNT; b++) {
		const struct ll_behaviour_info *info = ll_behaviour(b);

		ll_json_object(j);
		ll_json_key(j, "name");
		ll_json_string(j, info->name);
		ll_json_key(j, "summary");
		ll_json_string(j, info->summary);
		ll_json_key(j, "abi");
		ll_json_int(j, ll_behaviour_abi(b));
		ll_json_key(j, "until_abi");
		if (info->until_abi)
			ll_json_int(j, info->until_abi);
		else
			ll_json_null(j);
		ll_json_end(j);
	}
	ll_json_end(j);
}

static void json_errata(struct ll_json *j)
{
	const struct ll_erratum *e;

	ll_json_key(j, "errata");
	ll_json_array(j);
	for (e = ll_errata(); e->id; e++) {
		ll_json_object(j);
		ll_json_key(j, "id");
		ll_json_int(j, e->id);
		ll_json_key(j, "bit");
		ll_json_int(j, LL_ERRATUM_BIT(e->id));
		ll_json_key(j, "abi");
		ll_json_int(j, e->abi);
		ll_json_key(j, "summary");
		ll_json_string(j, e->summary);
		ll_json_end(j);
	}
	ll_json_end(j);
}

static void json_attr_fields(struct ll_json *j)
{
	const struct ll_field *field;

	ll_json_key(j, "ruleset_attr_fields");
	ll_json_array(j);
	for (field = ll_ruleset_attr_fields(); field->name; field++) {
		ll_json_object(j);
		ll_json_key(j, "name");
		ll_json_string(j, field->name);
		ll_json_key(j, "offset");
		ll_json_int(j, (int64_t)field->offset);
		ll_json_key(j, "size");
		ll_json_int(j, (int64_t)field->size);
		ll_json_key(j, "abi");
		ll_json_int(j, field->abi);
		ll_json_end(j);
	}
	ll_json_end(j);
}

static int print_json(void)
{
	struct ll_probe probe = ll_probe_kernel();
	struct ll_json j;

	ll_json_init(&j, stdout);
	ll_json_object(&j);
	ll_json_key(&j, "abi_last");
	ll_json_int(&j, LL_ABI_LAST);
	json_probe(&j, &probe);
	json_families(&j);
	json_abis(&j);
	json_attr_fields(&j);
	ll_json_key(&j, "path_beneath_attr_size");
	ll_json_int(&j, LL_PATH_BENEATH_ATTR_SIZE);
	ll_json_key(&j, "net_port_attr_size");
	ll_json_int(&j, LL_NET_PORT_ATTR_SIZE);
	json_behaviours(&j);
	json_errata(&j);
	ll_json_finish(&j);
	return 0;
}

static void json_ruleset(struct ll_json *j, const struct ll_ruleset *rs)
{
	size_t i;

	ll_json_object(j);
	ll_json_key(j, "handled_access_fs");
	ll_json_int(j, (int64_t)rs->attr.handled_access_fs);
	ll_json_key(j, "handled_access_net");
	ll_json_int(j, (int64_t)rs->attr.handled_access_net);
	ll_json_key(j, "scoped");
	ll_json_int(j, (int64_t)rs->attr.scoped);
	ll_json_key(j, "quiet_access_fs");
	ll_json_int(j, (int64_t)rs->attr.quiet_access_fs);
	ll_json_key(j, "quiet_access_net");
	ll_json_int(j, (int64_t)rs->attr.quiet_access_net);
	ll_json_key(j, "quiet_scoped");
	ll_json_int(j, (int64_t)rs->attr.quiet_scoped);
	ll_json_key(j, "attr_size");
	ll_json_int(j, (int64_t)rs->attr_size);
	ll_json_key(j, "restrict_self_flags");
	ll_json_int(j, rs->restrict_flags);
	ll_json_key(j, "rules");
	ll_json_array(j);
	for (i = 0; i < rs->rule_count; i++) {
		ll_json_object(j);
		ll_json_key(j, "type");
		ll_json_int(j, rs->rules[i].type);
		ll_json_key(j, "allowed_access");
		ll_json_int(j, (int64_t)rs->rules[i].allowed_access);
		ll_json_key(j, "flags");
		ll_json_int(j, rs->rules[i].flags);
		ll_json_end(j);
	}
	ll_json_end(j);
	ll_json_end(j);
}

static int parse_abi(const char *arg, int *abi)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < 1 || v > LL_ABI_LAST) {
		fprintf(stderr, "llabi: '%s' is not an ABI version (1..%d)\n",
			arg, LL_ABI_LAST);
		return -1;
	}
	*abi = (int)v;
	return 0;
}

static int print_downgrade(const char *from_arg, const char *to_arg)
{
	struct ll_downgrade down;
	struct ll_ruleset in;
	int from, to;
	struct ll_json j;
	size_t i;

	if (parse_abi(from_arg, &from) || parse_abi(to_arg, &to))
		return 2;
	ll_ruleset_full(from, &in);
	ll_downgrade(&in, to, &down);

	ll_json_init(&j, stdout);
	ll_json_object(&j);
	ll_json_key(&j, "from_abi");
	ll_json_int(&j, from);
	ll_json_key(&j, "to_abi");
	ll_json_int(&j, to);
	ll_json_key(&j, "input");
	json_ruleset(&j, &in);
	ll_json_key(&j, "output");
	json_ruleset(&j, &down.ruleset);
	ll_json_key(&j, "enforceable");
	ll_json_bool(&j, down.enforceable);
	ll_json_key(&j, "dropped");
	ll_json_array(&j);
	for (i = 0; i < down.drop_count; i++) {
		ll_json_object(&j);
		ll_json_key(&j, "where");
		ll_json_string(&j, down.dropped[i].where);
		ll_json_key(&j, "family");
		ll_json_string(&j, ll_family_name(down.dropped[i].family));
		ll_json_key(&j, "bits");
		ll_json_int(&j, (int64_t)down.dropped[i].bits);
		ll_json_key(&j, "why");
		ll_json_string(&j, down.dropped[i].why);
		ll_json_end(&j);
	}
	ll_json_finish(&j);
	return 0;
}

static int print_probe(bool one_line)
{
	struct ll_probe p = ll_probe_kernel();

	if (one_line) {
		printf("%s abi=%d errata=", ll_status_name(p.status),
		       p.status == LL_ENABLED ? p.abi : 0);
		if (p.errata >= 0)
			printf("0x%llx\n", (unsigned long long)p.errata);
		else
			printf("none\n");
		return 0;
	}
	switch (p.status) {
	case LL_ENABLED:
		printf("Landlock enabled: ABI %d", p.abi);
		if (p.abi > LL_ABI_LAST)
			printf(" (newer than the ABI %d llconform knows: "
			       "treated "
			       "as at least %d)",
			       LL_ABI_LAST, LL_ABI_LAST);
		if (p.errata >= 0)
			printf(", errata 0x%llx\n",
			       (unsigned long long)p.errata);
		else
			printf(", no errata interface\n");
		break;
	case LL_DISABLED:
		printf("Landlock built in but not enabled (EOPNOTSUPP): "
		       "'landlock' is missing from the lsm= list\n");
		break;
	case LL_ABSENT:
		printf("Landlock not built into this kernel (ENOSYS)\n");
		break;
	case LL_PROBE_ERROR:
		printf("Landlock probe failed unexpectedly: %s\n",
		       strerror(p.error));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "probe", no_argument, NULL, 'p' },
		{ "downgrade", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, mode = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
		case 'p':
		case 'd':
			if (mode && mode != opt) {
				fprintf(stderr, "llabi: choose one of --json, "
						"--probe, --downgrade\n");
				return 2;
			}
			mode = opt;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			/* A long option is named whole, a short one alone. */
			if (!strncmp(argv[optind - 1], "--", 2) || !optopt)
				fprintf(stderr, "llabi: unknown option '%s'\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "llabi: unknown option '-%c'\n",
					optopt);
			usage(stderr);
			return 2;
		}
	}
	if (mode == 'd') {
		if (argc - optind != 2) {
			fprintf(stderr,
				"llabi: --downgrade takes FROM_ABI TO_ABI\n");
			return 2;
		}
		return print_downgrade(argv[optind], argv[optind + 1]);
	}
	if (optind != argc) {
		fprintf(stderr, "llabi: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (mode == 'j')
		return print_json();
	return print_probe(mode == 'p');
}
