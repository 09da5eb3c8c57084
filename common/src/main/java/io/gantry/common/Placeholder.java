package io.gantry.common;
