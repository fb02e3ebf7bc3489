package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// RunPlugin runs a plugin written in Node.js: a policy pack (kind "analyzer", a directory with a
// PulumiPolicy.yaml) through @pulumi/pulumi's cmd/run-policy-pack, anything else (a PulumiPlugin.yaml) through
// cmd/run-plugin. Its stdout and stderr stream back to the engine, which reads the plugin's port from the
// first line of stdout; the stream ends with the plugin, and a non-zero exit is an error.
//
// As in Pulumi's own host: the environment is the one the engine sends (req.Env, not this process's); a
// policy pack runs in its own directory with the engine's arguments first and the pack directory last;
// any other plugin runs in req.Pwd with the plugin directory first. A policy pack is started only once the
// engine has configured it for the stack: the pack libraries read the stack, project, organization, dry-run
// flag and stack config from PULUMI_NODEJS_* and PULUMI_CONFIG at start-up, so Pulumi's PolicyProxy answers
// the engine first and forwards every call once the pack is up.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	if req.GetAttachDebugger() {
		return status.Error(codes.Unimplemented, "this nodejs language host cannot attach a debugger to a plugin")
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("node was not found on PATH")
	}
	info := req.GetInfo()
	pluginDir := info.GetProgramDirectory()
	options := info.GetOptions().AsMap()

	env := req.GetEnv()
	if optionBool(options, "typescript", true) {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	policyPack := req.GetKind() == string(apitype.AnalyzerPlugin)
	module := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if module == "" {
		module = "@pulumi/pulumi/cmd/run-plugin"
	}
	if policyPack {
		module = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	entry, err := resolveModule(node, module, pluginDir, "npm install in "+pluginDir)
	if err != nil {
		return err
	}

	// Pulumi's host appends nodeargs after the entry script, where node hands them to the script instead of
	// taking them as its own options; here they go before it, as Run does for programs.
	args, err := nodeArgs(options)
	if err != nil {
		return err
	}
	args = append(args, entry)
	if policyPack {
		args = append(args, req.GetArgs()...)
		args = append(args, pluginDir)
	} else {
		args = append(args, pluginDir)
		args = append(args, req.GetArgs()...)
	}

	var proxy *sdk.PolicyProxy
	if policyPack {
		// The proxy prints its own port on stdout for the engine and takes the pack's stdout in exchange,
		// to read the pack's port from it once it starts.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		config, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration for the policy pack: %w", err)
		}
		if env, err = appendStackEnv(env, config); err != nil {
			return err
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = req.GetPwd()
	if policyPack {
		cmd.Dir = pluginDir
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node for the plugin in %s: %w", pluginDir, err)
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd) // returns once the pack has exited
	} else {
		err = cmd.Wait()
	}
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// appendStackEnv adds what the engine told the policy proxy about the stack, in the variables the pack
// libraries read (the empty ones left out, as Pulumi's host does).
func appendStackEnv(env []string, config *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if config == nil {
		return env, nil
	}
	add := func(key, value string) {
		if value != "" {
			env = append(env, key+"="+value)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", config.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", config.GetProject())
	add("PULUMI_NODEJS_STACK", config.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
	if config.GetConfig() != nil {
		encoded, err := json.Marshal(config.GetConfig())
		if err != nil {
			return nil, fmt.Errorf("encoding the stack configuration: %w", err)
		}
		add("PULUMI_CONFIG", string(encoded))
	}
	return env, nil
}
