"""Python side of the export tests (tests/js/export/*.test.mjs), run with Debian's /usr/bin/python3.

    export_check.py onnx FILE...                         onnx.checker.check_model (full) on each file
    export_check.py torch FOLDER INPUTS N LOGITS         model.load() of an exported PyTorch folder run on
                                                         N float32 samples (raw file); logits written raw
    export_check.py torch-keys FOLDER                    the keys model.save() writes (JSON list)
"""
import json
import sys


def check_onnx(paths):
    import onnx
    for path in paths:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        print(f"ok {path} ir_version={model.ir_version} opset={model.opset_import[0].version}")


def torch_logits(folder, inputs_path, count, logits_path):
    import torch
    sys.path.insert(0, folder)
    import model
    net = model.load(f"{folder}/weights.safetensors")
    assert not net.training, "load() must return the module in eval mode"
    with open(inputs_path, "rb") as f:
        inputs = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(int(count), *model.INPUT_SHAPE)
    with torch.no_grad():
        logits = net(inputs).contiguous()
    with open(logits_path, "wb") as f:
        f.write(logits.numpy().tobytes())
    print(f"ok {folder} {tuple(logits.shape)}")


def torch_keys(folder):
    sys.path.insert(0, folder)
    import model
    print(json.dumps(sorted(model.state_to_save(model.Net()).keys())))


if __name__ == "__main__":
    if sys.argv[1] == "onnx":
        check_onnx(sys.argv[2:])
    elif sys.argv[1] == "torch":
        torch_logits(*sys.argv[2:6])
    elif sys.argv[1] == "torch-keys":
        torch_keys(sys.argv[2])
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
